package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One run's write, inside ONE destination transaction from open to commit: table DDL, the load, the apply step and
 * the state row. A crash or {@link #close()} without {@link #commit} therefore leaves the old data and the old state.
 *
 * <ul>
 *   <li>{@link WriteMode#REPLACE}: rows go into a shadow table that replaces the target at commit. A history table
 *   (an append sync's, on resync) is recreated with its history columns, stamped on each row as it is loaded, and
 *   without a primary key, as appends create it.</li>
 *   <li>{@link WriteMode#UPSERT}: rows go into a temporary staging table numbered in arrival order; commit upserts the
 *   last occurrence of each key with {@code INSERT … ON CONFLICT}.</li>
 *   <li>{@link WriteMode#APPEND}: rows go into staging too; commit inserts those whose dedup columns the target does
 *   not hold yet, stamped with the run's id and start time.</li>
 * </ul>
 * {@link #skippedRows()} is the staged rows minus the rows the final statement inserted or updated.
 */
final class JdbcWriter implements StreamWriter {
    private static final String SEQUENCE = "_tidemark_seq";
    private static final String STAGE = "_tidemark_stage";
    private static final String SHADOW_PREFIX = "_tidemark_shadow_";
    private static final String RANK = "_tidemark_rank";
    private static final List<Column> HISTORY = SystemColumns.history();

    private final JdbcDatabase db;
    private final Dialect dialect;
    private final WriteRequest request;
    private final StreamId target;
    private final StateTable state;
    private final Connection connection;
    private final List<String> key;
    private final StreamId shadow;
    private final List<Column> columns;
    private final RowChecks checks;
    private final BulkLoader loader;
    /** Values appended to every loaded row: the history columns when they are loaded with the rows, else none. */
    private final Object[] stamp;
    private long sequence;
    private long skipped;
    private boolean committed;

    JdbcWriter(JdbcDatabase db, StateTable state, BulkLoader.Factory loaders, WriteRequest request) {
        this.db = db;
        this.dialect = db.dialect();
        this.request = request;
        this.target = db.resolve(request.target());
        this.state = state;
        this.key = request.schema().primaryKey();
        this.shadow = new StreamId(target.namespace(), SHADOW_PREFIX + target.name());
        requireColumns(request.schema(), key, "primary key");
        requireColumns(request.schema(), request.appendDedupColumns(), "append dedup");
        if (request.mode() == WriteMode.UPSERT && key.isEmpty()) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, where() + "upserting into " + target
                    + " needs a primary key; set primary_key on the sync");
        }
        this.connection = db.connect(JdbcDatabase.Access.WRITE);
        try {
            prepareNamespaces();
            connection.setAutoCommit(false);
            LoadTarget load = switch (request.mode()) {
                case REPLACE -> prepareShadow();
                case UPSERT, APPEND -> prepareTargetAndStage();
            };
            this.columns = load.columns().subList(0, request.schema().columns().size());
            // Only a replace loads the target's table directly; append stages and stamps in its final INSERT.
            this.stamp = request.mode() == WriteMode.REPLACE && request.historyColumns() ? historyValues() : new Object[0];
            this.checks = new RowChecks(columns, key);
            this.loader = loaders.open(connection, load);
        } catch (SQLException e) {
            Jdbc.rollbackAndClose(connection);
            throw SqlErrors.translate(dialect, db.connectionName(), "preparing " + target, e);
        } catch (IOException e) {
            Jdbc.rollbackAndClose(connection);
            throw SqlErrors.io(db.connectionName(), "preparing the load of " + target, e);
        } catch (RuntimeException e) {
            Jdbc.rollbackAndClose(connection);
            throw e;
        }
    }

    /**
     * Namespaces and the state table are created in their own short transactions: they are harmless when the run
     * later rolls back, and creating them inside the long write transaction would make concurrent writers of one
     * database conflict on the catalog.
     */
    private void prepareNamespaces() throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String namespace : Stream.of(target.namespace(), db.stateTable().namespace()).distinct().toList()) {
                if (namespace != null) {
                    Optional<String> create = dialect.createNamespace(namespace);
                    if (create.isPresent()) s.execute(create.get());
                }
            }
        }
        state.create(connection);
    }

    private LoadTarget prepareShadow() throws SQLException {
        List<Column> wanted = tableColumns();
        execute("DROP TABLE IF EXISTS " + dialect.qualified(shadow));
        execute(TargetTable.create(dialect, shadow, wanted, tableKey()));
        return new LoadTarget(dialect.qualified(shadow), TargetTable.stored(dialect, wanted), Optional.empty());
    }

    private LoadTarget prepareTargetAndStage() throws SQLException {
        boolean append = request.mode() == WriteMode.APPEND;
        List<Column> wanted = tableColumns();
        Optional<StreamSchema> existing = db.catalog().describe(connection, target);
        List<Column> targetColumns;
        if (existing.isEmpty()) {
            execute(TargetTable.create(dialect, target, wanted, tableKey()));
            targetColumns = TargetTable.stored(dialect, wanted);
        } else {
            if (!append) TargetTable.requireKey(dialect, db.connectionName(), existing.get(), key);
            TargetTable.Evolution evolution = TargetTable.evolve(dialect, db.connectionName(), existing.get(), wanted);
            for (String ddl : evolution.statements()) execute(ddl);
            targetColumns = evolution.columns();
        }
        if (append && !request.appendDedupColumns().isEmpty()) {
            Optional<String> index = dialect.appendDedupIndex(target, request.appendDedupColumns());
            if (index.isPresent()) execute(index.get());
        }
        List<Column> loaded = targetColumns.subList(0, request.schema().columns().size());
        String definitions = loaded.stream().map(c -> dialect.quote(c.name()) + " " + dialect.typeName(c.type()))
                .collect(Collectors.joining(", ")) + ", " + dialect.quote(SEQUENCE) + " " + dialect.typeName(DataType.INT64);
        // The writer's connection is its own, so its temporary staging table cannot exist yet.
        execute(dialect.createTemporaryTable(STAGE, definitions));
        return new LoadTarget(dialect.quote(STAGE), loaded, Optional.of(SEQUENCE));
    }

    /** The target table's columns: the schema's, then the history columns for a history table. */
    private List<Column> tableColumns() {
        List<Column> columns = new ArrayList<>(request.schema().columns());
        if (request.historyColumns()) columns.addAll(HISTORY);
        return columns;
    }

    /** A history table holds a key many times (once per run that saw the row changed), so it declares none. */
    private List<String> tableKey() { return request.historyColumns() ? List.of() : key; }

    /** The run's values for {@link #HISTORY}, as loaded or bound. */
    private Object[] historyValues() {
        return new Object[] {request.runStartedAt().atOffset(ZoneOffset.UTC), request.runId()};
    }

    @Override
    public WriteResult write(RowBatch batch) {
        requireOpen();
        List<Object[]> accepted = new ArrayList<>(batch.size());
        List<RejectedRow> rejected = new ArrayList<>();
        for (Object[] row : batch.rows()) {
            if (row.length != columns.size()) {
                throw new TidemarkException(ErrorCode.INTERNAL, where() + "a row for " + target + " has " + row.length
                        + " values but the schema has " + columns.size() + " columns");
            }
            RejectedRow rejection = checks.check(row);
            if (rejection == null) accepted.add(row);
            else rejected.add(rejection);
        }
        try {
            loader.load(stamp.length == 0 ? accepted : accepted.stream().map(this::stamped).toList(), sequence);
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "loading rows into " + target, e);
        } catch (IOException e) {
            throw SqlErrors.io(db.connectionName(), "staging rows for " + target, e);
        }
        sequence += accepted.size();
        return new WriteResult(accepted.size(), 0, rejected);
    }

    /** {@code row} followed by {@link #stamp}. */
    private Object[] stamped(Object[] row) {
        Object[] stamped = Arrays.copyOf(row, row.length + stamp.length);
        System.arraycopy(stamp, 0, stamped, row.length, stamp.length);
        return stamped;
    }

    @Override
    public void commit(CommittedState committedState) {
        requireOpen();
        try {
            loader.finish();
            switch (request.mode()) {
                case REPLACE -> {
                    for (String statement : dialect.swap(target, shadow)) execute(statement);
                }
                case UPSERT -> skipped = sequence - executeUpdate(dialect.upsert(target, names(), key, latestPerKey(key)));
                case APPEND -> skipped = sequence - append();
            }
            if (request.mode() != WriteMode.REPLACE) execute("DROP TABLE " + dialect.quote(STAGE));
            state.write(connection, committedState);
            connection.commit();
            committed = true;
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "committing " + target, e);
        } catch (IOException e) {
            throw SqlErrors.io(db.connectionName(), "loading staged rows into " + target, e);
        }
    }

    /** The staged rows, only the last occurrence of each {@code partition} tuple, as {@code s}. */
    private String latestPerKey(List<String> partition) {
        return "SELECT " + dialect.columnList(names()) + " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "
                + dialect.columnList(partition) + " ORDER BY " + dialect.quote(SEQUENCE) + " DESC) AS " + dialect.quote(RANK)
                + " FROM " + dialect.quote(STAGE) + ") s WHERE s." + dialect.quote(RANK) + " = 1";
    }

    /** Inserts the staged rows the target does not hold yet; returns how many it inserted. */
    private long append() throws SQLException {
        List<String> dedup = request.appendDedupColumns();
        String source;
        if (dedup.isEmpty()) {
            source = dialect.quote(STAGE) + " s";
        } else {
            String rowInRun = "(SELECT *, ROW_NUMBER() OVER (PARTITION BY " + dialect.columnList(dedup) + " ORDER BY "
                    + dialect.quote(SEQUENCE) + " DESC) AS " + dialect.quote(RANK) + " FROM " + dialect.quote(STAGE) + ") s";
            String held = dedup.stream().map(c -> dialect.isNotDistinctFrom("t." + dialect.quote(c), "s." + dialect.quote(c)))
                    .collect(Collectors.joining(" AND "));
            source = rowInRun + " WHERE s." + dialect.quote(RANK) + " = 1 AND NOT EXISTS (SELECT 1 FROM "
                    + dialect.qualified(target) + " t WHERE " + held + ")";
        }
        String selected = names().stream().map(c -> "s." + dialect.quote(c)).collect(Collectors.joining(", "));
        String sql = "INSERT INTO " + dialect.qualified(target) + " (" + dialect.columnList(names()) + ", "
                + dialect.quote(SystemColumns.SYNCED_AT) + ", " + dialect.quote(SystemColumns.RUN_ID) + ") SELECT " + selected
                + ", ?, ? FROM " + source + " ORDER BY s." + dialect.quote(SEQUENCE);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            Object[] history = historyValues();
            for (int i = 0; i < HISTORY.size(); i++) dialect.binder(HISTORY.get(i).type()).bind(ps, i + 1, history[i]);
            return ps.executeLargeUpdate();
        }
    }

    private List<String> names() { return columns.stream().map(Column::name).toList(); }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private long executeUpdate(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            return s.executeLargeUpdate(sql);
        }
    }

    @Override
    public long skippedRows() { return skipped; }

    private void requireOpen() {
        if (committed) throw new IllegalStateException("writer for " + target + " already committed");
    }

    private void requireColumns(StreamSchema schema, List<String> names, String what) {
        for (String name : names) {
            if (schema.column(name).isEmpty()) {
                throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, where() + what + " column " + name + " is not among the columns of "
                        + schema.id() + " (" + String.join(", ", schema.columnNames()) + ")");
            }
        }
    }

    private String where() { return SqlErrors.prefix(db.connectionName()); }

    @Override
    public void close() {
        Jdbc.closeQuietly(loader);
        Jdbc.rollbackAndClose(connection);
    }
}
