package io.tidemark.connector.postgres;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies keyed changes ({@link io.tidemark.api.WriteMode#CHANGES}) in its {@link WriteTransaction}. Each
 * {@link #apply} COPYs its rows into a {@link StagingTable} and applies them with one {@link KeyedSql} statement, all
 * inside a savepoint: when the destination refuses a row, the call rolls back to it, so that none of its rows is
 * applied and the transaction goes on. Which rows an INSERT or UPDATE could not apply (key already held, key not found)
 * is read from the statement's own result, by the rows' staging sequence.
 *
 * <p>A row whose key has a {@code NULL} matches no record (SQL equality, as in the table's unique key): it is not
 * staged, and is rejected, or for a DELETE is simply nothing to delete.
 */
final class ChangeWriter implements StreamWriter {
    private static final String STAGING_PREFIX = "_tidemark_changes_";

    private final WriteTransaction transaction;
    private final TargetTable target;
    private final StreamSchema schema;
    private final List<String> key;
    /** The writer's columns as loaded, by name; a batch stages the ones it carries. */
    private final Map<String, LoadColumn> columns;
    /** A staging table per batch layout: batches of one kind keep reusing theirs. */
    private final Map<List<LoadColumn>, Stage> stages = new HashMap<>();
    private final String what;

    private record Stage(StagingTable table, String copySql) {}

    private ChangeWriter(WriteTransaction transaction, WriteRequest request, TargetTable target, String what) {
        this.transaction = transaction;
        this.target = target;
        this.schema = request.schema();
        this.key = schema.primaryKey();
        this.columns = LoadColumn.decoded(schema).stream().collect(Collectors.toUnmodifiableMap(LoadColumn::name, Function.identity()));
        this.what = what;
    }

    static ChangeWriter open(PostgresConfig config, WriteRequest request) {
        StreamId target = config.resolve(request.target());
        String what = config.label() + ": writing " + target;
        return WriteTransaction.begin(config, what, transaction ->
                new ChangeWriter(transaction, request, TargetTable.check(transaction.connection(), request, target, what), what));
    }

    @Override
    public WriteResult write(RowBatch batch) {
        throw new TidemarkException(ErrorCode.INTERNAL, what + ": a keyed-changes writer takes change batches (apply), not rows");
    }

    @Override
    public WriteResult apply(ChangeBatch batch) {
        if (batch.size() == 0) return new WriteResult(0, 0, List.of());
        List<LoadColumn> layout = layout(batch.rows().schema());
        String doing = what + ": applying " + batch.size() + " " + batch.op().name().toLowerCase(Locale.ROOT) + (batch.size() == 1 ? "" : "s");
        try {
            // outside the savepoint: a call that is rolled back must not take the new table or staging with it
            target.ensureReady(transaction.connection());
            Stage stage = stage(layout);
            return inSavepoint(doing, () -> applyStaged(stage, layout, batch, doing));
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, doing);
        }
    }

    /**
     * {@code DELETE}, not {@code TRUNCATE}: it is ordered with the changes around it like any statement, and readers
     * keep seeing the old rows until the commit (MVCC), where {@code TRUNCATE} would lock them out until then.
     */
    @Override
    public long truncate() {
        String doing = what + ": removing every record";
        try {
            target.ensureReady(transaction.connection()); // a target that does not exist yet is created empty, as by a commit
            return inSavepoint(doing, () -> Sql.update(transaction.connection(), "delete from " + target.sql()));
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, doing);
        }
    }

    /**
     * Runs {@code step} inside a savepoint: when the destination refuses it (a constraint, a trigger), the transaction
     * rolls back to the savepoint, so that none of the step is applied and the writer goes on.
     */
    private <T> T inSavepoint(String doing, SqlStep<T> step) throws SQLException {
        Connection c = transaction.connection();
        Savepoint savepoint = c.setSavepoint();
        try {
            T result = step.run();
            c.releaseSavepoint(savepoint);
            return result;
        } catch (SQLException e) {
            rollBack(savepoint, e);
            throw PostgresErrors.refusal(e, doing);
        } catch (RuntimeException e) {
            rollBack(savepoint, e);
            throw e;
        }
    }

    @FunctionalInterface
    private interface SqlStep<T> {
        T run() throws SQLException;
    }

    @Override
    public void commit(CommittedState committed) {
        try {
            target.ensureReady(transaction.connection()); // a run without changes still creates the target
            transaction.commit(committed);
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    @Override
    public void commitDataOnly() {
        try {
            target.ensureReady(transaction.connection());
            transaction.commitDataOnly();
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    @Override
    public void close() { transaction.close(); }

    private WriteResult applyStaged(Stage stage, List<LoadColumn> layout, ChangeBatch batch, String doing) throws SQLException {
        List<Object[]> rows = batch.rows().rows();
        RowKey rowKey = RowKey.of(batch.rows().schema());
        int[] staged = copy(stage, layout, rows, rowKey, doing);
        KeyedSql sql = new KeyedSql(target, stage.table(), layout, batch.rows().schema().primaryKey());
        BitSet applied = new BitSet(rows.size());
        long deleted = 0;
        switch (batch.op()) {
            case INSERT -> markApplied(sql.insertNew(), staged, applied);
            case UPDATE -> markApplied(sql.update(), staged, applied);
            case UPSERT -> {
                Sql.update(transaction.connection(), sql.upsert());
                for (int row : staged) applied.set(row);
            }
            case DELETE -> deleted = Sql.update(transaction.connection(), sql.delete());
        }
        if (batch.op() == ChangeOp.DELETE) return new WriteResult(0, deleted, List.of()); // a key not held is nothing to delete
        List<RejectedRow> rejected = new ArrayList<>();
        for (int i = applied.nextClearBit(0); i < rows.size(); i = applied.nextClearBit(i + 1)) {
            Object[] row = rows.get(i);
            rejected.add(new RejectedRow(rowKey.values(row), reason(batch.op(), rowKey, row)));
        }
        return new WriteResult(rows.size() - rejected.size(), 0, rejected);
    }

    /** COPYs the rows whose key has no {@code NULL} into a freshly emptied staging table; returns their positions in {@code rows}. */
    private int[] copy(Stage stage, List<LoadColumn> layout, List<Object[]> rows, RowKey rowKey, String doing) throws SQLException {
        stage.table().empty(transaction.connection());
        BinaryCopyWriter copy = new BinaryCopyWriter(transaction.copyIn(stage.copySql()), layout);
        int[] staged = new int[rows.size()];
        int count = 0;
        try {
            for (int i = 0; i < rows.size(); i++) {
                Object[] row = rows.get(i);
                if (rowKey.hasNull(row)) continue;
                try {
                    copy.writeRow(row);
                } catch (TidemarkException e) {
                    if (e.errorCode() != ErrorCode.SOURCE_DATA_INVALID) throw e.withContext(doing + ": ");
                    throw new TidemarkException(ErrorCode.DESTINATION_REJECTED, doing + ": the record with key " + rowKey.text(row)
                            + " has a value Postgres cannot hold: " + e.getMessage() + "; fix the value at the source", e);
                }
                staged[count++] = i;
            }
            copy.finish();
        } catch (SQLException | RuntimeException e) {
            try {
                copy.cancel(); // ends the COPY so that the savepoint can be rolled back to
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return Arrays.copyOf(staged, count);
    }

    /** Runs a statement selecting staging sequence numbers and marks the rows they stand for. */
    private void markApplied(String sql, int[] staged, BitSet applied) throws SQLException {
        try (Statement s = transaction.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) applied.set(staged[(int) rs.getLong(1) - 1]);
        }
    }

    private static String reason(ChangeOp op, RowKey rowKey, Object[] row) {
        if (rowKey.hasNull(row)) return "key " + rowKey.text(row) + " has a null, so it matches no record; give every key field a value";
        return op == ChangeOp.INSERT ? "a record with key " + rowKey.text(row) + " already exists"
                : "no record with key " + rowKey.text(row) + " (not found)";
    }

    /** The writer's columns a batch carries, in the batch's order; a batch is keyed like the writer. */
    private List<LoadColumn> layout(StreamSchema rows) {
        if (!Set.copyOf(rows.primaryKey()).equals(Set.copyOf(key))) {
            throw new TidemarkException(ErrorCode.INTERNAL, what + ": a change batch keyed by (" + String.join(", ", rows.primaryKey())
                    + ") was given to a writer keyed by (" + String.join(", ", key) + ")");
        }
        List<LoadColumn> layout = new ArrayList<>(rows.columns().size());
        for (String name : rows.columnNames()) {
            LoadColumn column = columns.get(name);
            if (column == null) {
                throw new TidemarkException(ErrorCode.INTERNAL, what + ": a change batch has column \"" + name
                        + "\", which is not in the writer's schema (columns: " + String.join(", ", schema.columnNames()) + ")");
            }
            layout.add(column);
        }
        return List.copyOf(layout);
    }

    private Stage stage(List<LoadColumn> layout) throws SQLException {
        Stage stage = stages.get(layout);
        if (stage == null) {
            StagingTable table = new StagingTable(STAGING_PREFIX + (stages.size() + 1));
            stage = new Stage(table, table.create(transaction.connection(), layout));
            stages.put(layout, stage);
        }
        return stage;
    }

    private void rollBack(Savepoint savepoint, Exception failure) {
        try {
            transaction.connection().rollback(savepoint);
        } catch (SQLException e) {
            failure.addSuppressed(e); // the connection is gone: the failure itself says so
        }
    }

    /** A batch's key fields: where they are in its rows, and how a row's key reads in a message. */
    private static final class RowKey {
        private final List<Column> columns;
        private final int[] positions;

        private RowKey(List<Column> columns, int[] positions) {
            this.columns = columns;
            this.positions = positions;
        }

        static RowKey of(StreamSchema schema) {
            return new RowKey(schema.primaryKey().stream().map(k -> schema.column(k).orElseThrow()).toList(),
                    schema.primaryKey().stream().mapToInt(schema::indexOf).toArray());
        }

        boolean hasNull(Object[] row) {
            for (int p : positions) if (row[p] == null) return true;
            return false;
        }

        /** The row's key values in primary key order, as given. */
        List<Object> values(Object[] row) {
            List<Object> values = new ArrayList<>(positions.length);
            for (int p : positions) values.add(row[p]);
            return values;
        }

        /** {@code id=1} or {@code tenant=acme, id=1}. */
        String text(Object[] row) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < positions.length; i++) {
                Object value = row[positions[i]];
                if (i > 0) out.append(", ");
                out.append(columns.get(i).name()).append('=')
                        .append(value == null ? "null" : Values.abbreviate(Values.format(columns.get(i).type(), value)));
            }
            return out.toString();
        }
    }
}
