package io.tidemark.jdbc;

import io.tidemark.api.Column;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Loads rows with one prepared INSERT executed in JDBC batches: the fastest path where statements are cheap
 * in-process calls (SQLite), and the portable fallback elsewhere.
 */
public final class BatchInsertLoader implements BulkLoader {
    private static final int BATCH_ROWS = 1_000;

    private final PreparedStatement insert;
    private final ColumnBinder[] binders;
    private final boolean sequenced;
    private int pending;

    private BatchInsertLoader(PreparedStatement insert, ColumnBinder[] binders, boolean sequenced) {
        this.insert = insert;
        this.binders = binders;
        this.sequenced = sequenced;
    }

    public static BulkLoader.Factory factory(Dialect dialect) {
        return (connection, target) -> open(dialect, connection, target);
    }

    private static BatchInsertLoader open(Dialect dialect, Connection connection, LoadTarget target) throws SQLException {
        List<String> names = new ArrayList<>(target.columns().stream().map(Column::name).toList());
        target.sequenceColumn().ifPresent(names::add);
        String sql = "INSERT INTO " + target.table() + " (" + dialect.columnList(names) + ") VALUES ("
                + String.join(", ", Collections.nCopies(names.size(), "?")) + ")";
        ColumnBinder[] binders = target.columns().stream().map(c -> dialect.binder(c.type())).toArray(ColumnBinder[]::new);
        return new BatchInsertLoader(connection.prepareStatement(sql), binders, target.sequenceColumn().isPresent());
    }

    @Override
    public void load(List<Object[]> rows, long firstSequence) throws SQLException {
        long sequence = firstSequence;
        for (Object[] row : rows) {
            for (int i = 0; i < binders.length; i++) binders[i].bind(insert, i + 1, row[i]);
            if (sequenced) insert.setLong(binders.length + 1, sequence++);
            insert.addBatch();
            if (++pending == BATCH_ROWS) flush();
        }
    }

    @Override
    public void finish() throws SQLException { flush(); }

    private void flush() throws SQLException {
        if (pending == 0) return;
        insert.executeBatch();
        pending = 0;
    }

    @Override
    public void close() { Jdbc.closeQuietly(insert); }
}
