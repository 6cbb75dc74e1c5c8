package io.tidemark.jdbc;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * How rows get into the table a writer loads (the shadow table of a replace, the staging table of an upsert or
 * append): the one step where databases' fast paths differ (DuckDB reads staged files, SQLite takes
 * prepared-statement batches). A loader works inside the writer's transaction and never commits.
 *
 * <p>Call order: {@link #load} any number of times, {@link #finish} at most once, {@link #close} exactly once.
 */
public interface BulkLoader extends AutoCloseable {

    /**
     * Loads rows whose values follow {@link LoadTarget#columns()}. When the target is sequenced, row {@code i} gets
     * sequence number {@code firstSequence + i}: the writer uses it to keep the last occurrence of a key.
     * The rows may be buffered until {@link #finish}.
     */
    void load(List<Object[]> rows, long firstSequence) throws SQLException, IOException;

    /** Makes every row loaded so far visible to SQL in the writer's transaction. */
    void finish() throws SQLException, IOException;

    /** Releases what the loader holds (statements, temporary files); never throws. */
    @Override
    void close();

    /** Opens a loader on the writer's connection. */
    @FunctionalInterface
    interface Factory {
        BulkLoader open(Connection connection, LoadTarget target) throws SQLException, IOException;
    }
}
