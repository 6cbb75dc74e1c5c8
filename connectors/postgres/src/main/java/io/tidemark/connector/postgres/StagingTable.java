package io.tidemark.connector.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A temporary table that rows are COPYed into before set-based SQL moves them into the target: {@code ON COMMIT DROP},
 * so it lives and dies with the writer's transaction, and not WAL-logged. Its {@link #SEQUENCE} column numbers the rows
 * in arrival order, from 1 after {@link #empty}: it resolves a key repeated among them and maps a staged row back to
 * the row it came from.
 *
 * <p>Columns have their load types and no {@code NOT NULL}: the target's own constraints judge the rows, so that a
 * refusal names the target's column and constraint rather than this table's.
 */
record StagingTable(String name) {
    static final String SEQUENCE = Sql.ident("_tidemark_seq");

    /** The table's qualified name in SQL. */
    String sql() { return "pg_temp." + Sql.ident(name); }

    /** Creates the table for {@code layout} and returns the {@code COPY … FROM STDIN} statement into it. */
    String create(Connection c, List<LoadColumn> layout) throws SQLException {
        Sql.execute(c, "create temp table " + sql() + " (" + layout.stream().map(l -> Sql.ident(l.name()) + " " + l.loadType())
                .collect(Collectors.joining(", ")) + ", " + SEQUENCE + " bigint generated always as identity) on commit drop");
        return "COPY " + sql() + " (" + LoadColumn.names(layout) + ") FROM STDIN (FORMAT binary)";
    }

    /** Removes every row and restarts the numbering at 1. */
    void empty(Connection c) throws SQLException {
        Sql.execute(c, "truncate " + sql() + " restart identity");
    }

    /** {@code select distinct on (key) * from <staging> order by key, seq}: one row per key, the first or the last to arrive. */
    String onePerKey(List<String> key, boolean last) {
        return "select distinct on (" + Sql.identList(key) + ") * from " + sql() + " order by " + Sql.identList(key) + ", "
                + SEQUENCE + (last ? " desc" : "");
    }
}
