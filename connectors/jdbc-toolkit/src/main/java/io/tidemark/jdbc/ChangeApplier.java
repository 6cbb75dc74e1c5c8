package io.tidemark.jdbc;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCategory;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;
import io.tidemark.api.WriteResult;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Applies batches of keyed changes ({@link io.tidemark.api.WriteMode#CHANGES}) inside the writer's transaction. A call
 * checks its rows in Java ({@link RowChecks}), stages them in a temporary table through the connector's
 * {@link BulkLoader}, keeps the last occurrence of a key, and changes the target with set-based statements:
 * <ul>
 *   <li>insert: {@code INSERT … SELECT … WHERE NOT EXISTS (the key in the target)}; the staged keys the target holds,
 *   found by a query first, come back rejected ("already exists");</li>
 *   <li>update: {@code UPDATE target SET <the batch's columns> FROM stage WHERE the keys match}; the staged keys the
 *   target does not hold come back rejected ("not found");</li>
 *   <li>upsert: the update, then the insert of the staged keys the target does not hold;</li>
 *   <li>delete: {@code DELETE … WHERE (key) IN (SELECT key FROM stage)}; its update count is the records deleted.</li>
 * </ul>
 * A call is atomic. Where the database has savepoints (SQLite) it runs inside one, and a statement the database
 * fails is rolled back with the whole call. Where it has none (DuckDB, whose transaction any failed statement
 * aborts), the staged records are first checked against the table's {@link Catalog#refusals} by a query that cannot
 * fail; a failure that gets past those checks (a UNIQUE or FOREIGN KEY constraint) leaves the run's transaction lost,
 * and the writer then refuses every further call.
 */
final class ChangeApplier implements Intake {
    private static final String STAGE = "_tidemark_changes";

    private final JdbcDatabase db;
    private final Dialect dialect;
    private final Connection connection;
    private final BulkLoader.Factory loaders;
    private final StreamId target;
    private final StreamSchema table;
    private final List<String> key;
    private final List<Refusal> refusals;
    /** Set when a failed statement cost the transaction; thrown by every later call. */
    private TidemarkException aborted;

    /**
     * @param target the table, resolved, as SQL names it
     * @param table  the table as the catalog describes it, after the writer's DDL; its primary key is the sync's
     */
    ChangeApplier(JdbcDatabase db, Connection connection, BulkLoader.Factory loaders, StreamId target, StreamSchema table)
            throws SQLException {
        this.db = db;
        this.dialect = db.dialect();
        this.connection = connection;
        this.loaders = loaders;
        this.target = target;
        this.table = table;
        this.key = table.primaryKey();
        this.refusals = dialect.savepoints() ? List.of() : db.catalog().refusals(connection, table);
    }

    WriteResult apply(ChangeBatch batch) {
        requireUsable();
        StreamSchema sent = batch.rows().schema();
        if (!TargetTable.sameNames(dialect, sent.primaryKey(), key)) {
            throw new TidemarkException(ErrorCode.INTERNAL, where() + "changes to " + target + " match records by ("
                    + String.join(", ", sent.primaryKey()) + ") but the table's key is (" + String.join(", ", key) + ")");
        }
        List<Column> columns = sent.columns().stream().map(this::tableColumn).toList();
        RowChecks checks = new RowChecks(dialect, sent.columns(), columns, sent.primaryKey());
        List<Object[]> rows = new ArrayList<>(batch.size());
        for (Object[] row : batch.rows().rows()) {
            RejectedRow refused = checks.check(row);
            if (refused != null) throw refused(batch, refused.key(), refused.reason());
            rows.add(checks.convert(row));
        }
        if (rows.isEmpty()) return new WriteResult(0, 0, List.of());

        Savepoint savepoint = null;
        try {
            if (dialect.savepoints()) savepoint = connection.setSavepoint();
            stage(columns, rows);
            long records = rows.size() - dropEarlierOccurrences();
            Optional<TidemarkException> refused = firstRefused(batch, columns);
            if (refused.isPresent()) {
                undo(savepoint);
                throw refused.get();
            }
            WriteResult result = run(batch, columns, records);
            Jdbc.execute(connection, "DROP TABLE " + stage());
            if (savepoint != null) connection.releaseSavepoint(savepoint);
            return result;
        } catch (SQLException e) {
            throw failed(action(batch), savepoint, e);
        } catch (IOException e) {
            TidemarkException error = SqlErrors.io(db.connectionName(), "staging " + action(batch), e);
            try {
                undo(savepoint);
            } catch (SQLException undoFailed) {
                error.addSuppressed(undoFailed);
                aborted = error;
            }
            throw error;
        }
    }

    /**
     * Deletes every record of the target, atomically like {@link #apply}; returns how many. {@code DELETE}, not
     * {@code TRUNCATE}: it stays in order with the changes around it, inside the writer's transaction.
     */
    long truncate() {
        requireUsable();
        String action = "removing every record of " + target;
        Savepoint savepoint = null;
        try {
            if (dialect.savepoints()) savepoint = connection.setSavepoint();
            long removed = Jdbc.executeUpdate(connection, "DELETE FROM " + dialect.qualified(target));
            if (savepoint != null) connection.releaseSavepoint(savepoint);
            return removed;
        } catch (SQLException e) {
            throw failed(action, savepoint, e);
        }
    }

    /** The table's column a batch column sets; batches carry a subset of the columns the writer was opened with. */
    private Column tableColumn(Column sent) {
        return TargetTable.find(dialect, table, sent.name()).orElseThrow(() -> new TidemarkException(ErrorCode.COLUMN_NOT_FOUND,
                where() + "changes to " + target + " set column " + sent.name() + ", which the table does not have (columns: "
                        + String.join(", ", table.columnNames()) + "); open the writer with every column the changes set"));
    }

    private void stage(List<Column> columns, List<Object[]> rows) throws SQLException, IOException {
        String definitions = columns.stream().map(c -> quote(c.name()) + " " + dialect.stagingTypeName(c.type()))
                .collect(Collectors.joining(", ")) + ", " + quote(JdbcWriter.SEQUENCE) + " " + dialect.typeName(DataType.INT64);
        Jdbc.execute(connection, dialect.createTemporaryTable(STAGE, definitions));
        // The sequence is the row's index in the batch: refusals and rejections map back to the row as given.
        try (BulkLoader loader = loaders.open(connection, new LoadTarget(stage(), columns, Optional.of(JdbcWriter.SEQUENCE)))) {
            loader.load(rows, 0);
            loader.finish();
        }
    }

    /** Keeps the last staged occurrence of each key; returns how many earlier ones it dropped. */
    private long dropEarlierOccurrences() throws SQLException {
        String sequence = quote(JdbcWriter.SEQUENCE);
        return Jdbc.executeUpdate(connection, "DELETE FROM " + stage() + " WHERE " + sequence + " NOT IN (SELECT max(" + sequence
                + ") FROM " + stage() + " GROUP BY " + dialect.columnList(key) + ")");
    }

    /**
     * The refusal of the first staged record that breaks one of the table's {@link #refusals}, evaluated over the
     * record as the change would leave it: the batch's columns from the stage, the others as the target holds them
     * (NULL for a new record).
     */
    private Optional<TidemarkException> firstRefused(ChangeBatch batch, List<Column> columns) throws SQLException {
        if (refusals.isEmpty() || batch.op() == ChangeOp.DELETE) return Optional.empty();
        String record = table.columns().stream().map(c -> (columns.stream().anyMatch(s -> s.name().equals(c.name())) ? "s." : "t.")
                + quote(c.name()) + " AS " + quote(c.name())).collect(Collectors.joining(", "));
        String filter = switch (batch.op()) {
            case INSERT -> " WHERE t." + quote(key.getFirst()) + " IS NULL";
            case UPDATE -> " WHERE t." + quote(key.getFirst()) + " IS NOT NULL";
            default -> "";
        };
        String cases = IntStream.range(0, refusals.size()).mapToObj(i -> "WHEN (" + refusals.get(i).condition() + ") THEN " + i)
                .collect(Collectors.joining(" "));
        String any = refusals.stream().map(r -> "(" + r.condition() + ")").collect(Collectors.joining(" OR "));
        String sql = "SELECT m." + quote(JdbcWriter.SEQUENCE) + ", CASE " + cases + " END FROM (SELECT s." + quote(JdbcWriter.SEQUENCE)
                + " AS " + quote(JdbcWriter.SEQUENCE) + ", " + record + " FROM " + stage() + " s LEFT JOIN " + dialect.qualified(target)
                + " t ON " + keysMatch() + filter + ") m WHERE " + any + " ORDER BY m." + quote(JdbcWriter.SEQUENCE) + " LIMIT 1";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) return Optional.empty();
            Object[] row = batch.rows().rows().get(Math.toIntExact(rs.getLong(1)));
            return Optional.of(refused(batch, keyOf(batch, row), refusals.get(rs.getInt(2)).reason()));
        }
    }

    private WriteResult run(ChangeBatch batch, List<Column> columns, long records) throws SQLException {
        String held = "EXISTS (SELECT 1 FROM " + dialect.qualified(target) + " t WHERE " + keysMatch() + ")";
        return switch (batch.op()) {
            case INSERT -> {
                List<RejectedRow> rejected = rejected(batch, held, "a record with key %s already exists");
                yield new WriteResult(insertNew(columns, held), 0, rejected);
            }
            case UPDATE -> {
                List<RejectedRow> rejected = rejected(batch, "NOT " + held, "no record with key %s (not found)");
                updateHeld(columns);
                yield new WriteResult(records - rejected.size(), 0, rejected);
            }
            case UPSERT -> {
                // Not INSERT … ON CONFLICT DO UPDATE: SQLite checks NOT NULL on the row proposed for insertion before it
                // finds the conflict, so setting some columns of a held record would fail on a NOT NULL column left out.
                updateHeld(columns);
                insertNew(columns, held);
                yield new WriteResult(records, 0, List.of());
            }
            // (key) IN (SELECT key …), not a correlated EXISTS: SQLite would scan the stage once per row of the target.
            case DELETE -> new WriteResult(0, Jdbc.executeUpdate(connection, "DELETE FROM " + dialect.qualified(target) + " WHERE ("
                    + dialect.columnList(key) + ") IN (SELECT " + dialect.columnList(key) + " FROM " + stage() + ")"), List.of());
        };
    }

    /** Inserts the staged records whose key the target does not hold ({@code NOT held}); returns how many. */
    private long insertNew(List<Column> columns, String held) throws SQLException {
        String names = dialect.columnList(columns.stream().map(Column::name).toList());
        return Jdbc.executeUpdate(connection, "INSERT INTO " + dialect.qualified(target) + " (" + names + ") SELECT " + names
                + " FROM " + stage() + " s WHERE NOT " + held);
    }

    /** Sets the batch's non-key columns of the records the target holds; a batch of key columns only sets nothing. */
    private void updateHeld(List<Column> columns) throws SQLException {
        List<String> set = columns.stream().map(Column::name).filter(c -> !isKey(c)).toList();
        if (set.isEmpty()) return;
        String assignments = set.stream().map(c -> quote(c) + " = s." + quote(c)).collect(Collectors.joining(", "));
        Jdbc.executeUpdate(connection, "UPDATE " + dialect.qualified(target) + " AS t SET " + assignments + " FROM " + stage()
                + " AS s WHERE " + keysMatch());
    }

    /** The staged records meeting {@code condition} (over {@code s}), in batch order, rejected with {@code reason}. */
    private List<RejectedRow> rejected(ChangeBatch batch, String condition, String reason) throws SQLException {
        List<RejectedRow> rejected = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT s." + quote(JdbcWriter.SEQUENCE)
                + " FROM " + stage() + " s WHERE " + condition + " ORDER BY s." + quote(JdbcWriter.SEQUENCE))) {
            while (rs.next()) {
                List<Object> keyValues = keyOf(batch, batch.rows().rows().get(Math.toIntExact(rs.getLong(1))));
                rejected.add(new RejectedRow(keyValues, reason.formatted(keyText(batch, keyValues))));
            }
        }
        return rejected;
    }

    private String keysMatch() {
        return key.stream().map(k -> "t." + quote(k) + " = s." + quote(k)).collect(Collectors.joining(" AND "));
    }

    private boolean isKey(String column) { return key.stream().anyMatch(k -> TargetTable.sameName(dialect, k, column)); }

    /** The values of {@code row}'s key, as given, in the batch's key order. */
    private static List<Object> keyOf(ChangeBatch batch, Object[] row) {
        StreamSchema schema = batch.rows().schema();
        return schema.primaryKey().stream().map(k -> row[schema.indexOf(k)]).toList();
    }

    /** {@code id=1} or {@code region=eu, id=7}. */
    private static String keyText(ChangeBatch batch, List<Object> values) {
        StreamSchema schema = batch.rows().schema();
        List<String> parts = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String name = schema.primaryKey().get(i);
            Object value = values.get(i);
            DataType type = schema.column(name).orElseThrow().type();
            parts.add(name + "=" + (value == null ? "null" : Values.abbreviate(Values.format(type, value))));
        }
        return String.join(", ", parts);
    }

    private TidemarkException refused(ChangeBatch batch, List<Object> keyValues, String reason) {
        return new TidemarkException(ErrorCode.DESTINATION_REJECTED, where() + action(batch) + " was refused: the record with key "
                + keyText(batch, keyValues) + ": " + reason + "; none of these changes was applied; fix the record at the source, "
                + "or the destination column or constraint");
    }

    /**
     * The error for a statement the database failed. With a savepoint the call is rolled back and the writer goes on;
     * without one the transaction is lost, so the error is not a refusal the caller could split the batch around.
     */
    private TidemarkException failed(String action, Savepoint savepoint, SQLException e) {
        if (dialect.savepoints()) {
            TidemarkException error = SqlErrors.translate(dialect, db.connectionName(), action, e);
            try {
                if (savepoint != null) undo(savepoint); // else the savepoint itself failed, before anything was done
                return error;
            } catch (SQLException undoFailed) {
                error.addSuppressed(undoFailed);
            }
        }
        SqlFailure failure = dialect.classify(e);
        boolean refusedByTable = failure.code().category() == ErrorCategory.DESTINATION_REJECTED;
        aborted = new TidemarkException(refusedByTable ? ErrorCode.INCOMPATIBLE_DESTINATION : failure.code(), where() + action
                + " failed: " + SqlErrors.firstLine(e.getMessage()) + "; the database cannot undo one failed statement, so nothing "
                + "of this run is applied and the writer cannot go on; " + (refusedByTable ? "make the records keep the table's UNIQUE "
                + "and FOREIGN KEY constraints (which Tidemark cannot check ahead here), or drop those constraints" : failure.fix()), e);
        return aborted;
    }

    /** Takes back what the call did: to its savepoint, or, without one, by dropping the stage (nothing else ran yet). */
    private void undo(Savepoint savepoint) throws SQLException {
        if (savepoint != null) {
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
        } else {
            Jdbc.execute(connection, "DROP TABLE IF EXISTS " + stage());
        }
    }

    /** Refuses to go on once a failed statement has cost the transaction. */
    void requireUsable() {
        if (aborted != null) throw aborted;
    }

    private String action(ChangeBatch batch) {
        return "applying " + batch.size() + " " + batch.op().name().toLowerCase(Locale.ROOT) + " changes to " + target;
    }

    private String stage() { return quote(STAGE); }

    private String quote(String identifier) { return dialect.quote(identifier); }

    private String where() { return SqlErrors.prefix(db.connectionName()); }

    @Override
    public void close() {}
}
