package io.tidemark.connector.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * How a writer's rows reach the target, all inside the writer's one transaction: COPY into a load table, then make
 * them the target's. A {@link ShadowLoad} loads the new table itself and swaps it in; a {@link StagedLoad} loads a
 * temporary staging table and merges it into the target.
 */
sealed interface Load permits ShadowLoad, StagedLoad {

    /** Creates the load table with {@code layout} and returns the {@code COPY … FROM STDIN} statement into it. */
    String create(Connection c, List<LoadColumn> layout) throws SQLException;

    /** Whether rows should be moved to the target every so often while loading, to keep the load table small. */
    boolean flushesPeriodically();

    /**
     * Moves the rows loaded so far into the target. Only called when {@link #flushesPeriodically()}.
     *
     * @param loadedRows rows loaded since the last flush
     * @return how many of them the target did not take: already held, or superseded by a later row of the run
     */
    long flush(Connection c, List<LoadColumn> layout, long loadedRows) throws SQLException;

    /**
     * Makes everything loaded the target's content; the writer commits right after.
     *
     * @param loadedRows rows loaded since the last flush
     * @return how many of them the target did not take, as for {@link #flush}
     */
    long finish(Connection c, List<LoadColumn> layout, long loadedRows) throws SQLException;
}
