package io.tidemark.jdbc;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
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
 *   <li>{@link WriteMode#CHANGES}: the target is created or evolved as for an upsert; each {@link #apply} or
 *   {@link #truncate} call changes it right away, atomically, inside the transaction (see {@link ChangeApplier});
 *   commit makes the changes visible.</li>
 * </ul>
 * {@link #skippedRows()} is the staged rows minus the rows the final statement inserted or updated.
 * {@link #commitDataOnly()} commits the same way as {@link #commit}, leaving the state row as it was.
 */
final class JdbcWriter implements StreamWriter {
    /** The column numbering staged rows in arrival order. */
    static final String SEQUENCE = "_tidemark_seq";
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
    private final Intake intake;
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
        if (key.isEmpty() && (request.mode() == WriteMode.UPSERT || request.mode() == WriteMode.CHANGES)) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, where() + (request.mode() == WriteMode.UPSERT ? "upserting into "
                    : "applying changes to ") + target + " needs a primary key; set primary_key on the sync");
        }
        this.connection = db.connect(JdbcDatabase.Access.WRITE);
        try {
            prepareNamespaces();
            connection.setAutoCommit(false);
            this.intake = switch (request.mode()) {
                case REPLACE -> rowLoad(loaders, prepareShadow(), this::swapShadow);
                case UPSERT -> rowLoad(loaders, prepareStage(prepareTarget()), this::upsertStaged);
                case APPEND -> rowLoad(loaders, prepareStage(prepareTarget()), this::appendStaged);
                case CHANGES -> new ChangeApplier(db, connection, loaders, target, prepareChangesTarget());
            };
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

    private RowLoad rowLoad(BulkLoader.Factory loaders, LoadTarget load, RowLoad.Finish finish) throws SQLException, IOException {
        List<Column> columns = load.columns().subList(0, request.schema().columns().size());
        // Only a replace loads the target's table directly; append stages and stamps in its final INSERT.
        Object[] stamp = request.mode() == WriteMode.REPLACE && request.historyColumns() ? historyValues() : new Object[0];
        return new RowLoad(new RowChecks(dialect, request.schema().columns(), columns, key), loaders.open(connection, load), stamp, finish);
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
        Jdbc.execute(connection, "DROP TABLE IF EXISTS " + dialect.qualified(shadow));
        Jdbc.execute(connection, TargetTable.create(dialect, shadow, wanted, tableKey()));
        return new LoadTarget(dialect.qualified(shadow), TargetTable.stored(dialect, wanted, tableKey()), Optional.empty());
    }

    /**
     * Creates the target, or makes the existing one take the schema's columns (widening column types, adding missing
     * columns, in this transaction); returns those columns as the table holds them. Matching records by key needs the
     * table's primary key to be the sync's.
     */
    private List<Column> prepareTarget() throws SQLException {
        boolean append = request.mode() == WriteMode.APPEND;
        List<Column> wanted = tableColumns();
        Optional<StreamSchema> existing = db.catalog().describe(connection, target);
        List<Column> targetColumns;
        if (existing.isEmpty()) {
            Jdbc.execute(connection, TargetTable.create(dialect, target, wanted, tableKey()));
            targetColumns = TargetTable.stored(dialect, wanted, tableKey());
        } else {
            if (!append) TargetTable.requireKey(dialect, db.connectionName(), existing.get(), key);
            TargetTable.Evolution evolution = TargetTable.evolve(dialect, db.connectionName(), existing.get(), wanted);
            // widened first: a table rebuilt for its new types is rebuilt from the columns the catalog described
            if (!evolution.widenings().isEmpty()) {
                for (String ddl : dialect.widen(connection, existing.get(), evolution.widenings())) Jdbc.execute(connection, ddl);
            }
            for (String ddl : evolution.statements()) Jdbc.execute(connection, ddl);
            targetColumns = evolution.columns();
        }
        if (append && !request.appendDedupColumns().isEmpty()) {
            Optional<String> index = dialect.appendDedupIndex(target, request.appendDedupColumns());
            if (index.isPresent()) Jdbc.execute(connection, index.get());
        }
        return targetColumns;
    }

    private LoadTarget prepareStage(List<Column> targetColumns) throws SQLException {
        List<Column> loaded = targetColumns.subList(0, request.schema().columns().size());
        String definitions = loaded.stream().map(c -> dialect.quote(c.name()) + " " + dialect.stagingTypeName(c.type()))
                .collect(Collectors.joining(", ")) + ", " + dialect.quote(SEQUENCE) + " " + dialect.typeName(DataType.INT64);
        // The writer's connection is its own, so its temporary staging table cannot exist yet.
        Jdbc.execute(connection, dialect.createTemporaryTable(STAGE, definitions));
        return new LoadTarget(dialect.quote(STAGE), loaded, Optional.of(SEQUENCE));
    }

    /** The target made ready for changes, as the catalog describes it then: every column, whether it takes NULL, its key. */
    private StreamSchema prepareChangesTarget() throws SQLException {
        prepareTarget();
        return db.catalog().describe(connection, target).orElseThrow(() -> new IllegalStateException(target + " vanished after creation"));
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
        if (!(intake instanceof RowLoad rows)) {
            throw new TidemarkException(ErrorCode.INTERNAL, where() + "the changes writer of " + target + " takes apply(), not write()");
        }
        try {
            return rows.write(batch);
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "loading rows into " + target, e);
        } catch (IOException e) {
            throw SqlErrors.io(db.connectionName(), "staging rows for " + target, e);
        }
    }

    @Override
    public WriteResult apply(ChangeBatch batch) {
        requireOpen();
        if (!(intake instanceof ChangeApplier changes)) {
            throw new TidemarkException(ErrorCode.INTERNAL, where() + "the " + request.mode() + " writer of " + target
                    + " takes write(), not apply(); open it in CHANGES mode");
        }
        return changes.apply(batch);
    }

    @Override
    public long truncate() {
        requireOpen();
        if (!(intake instanceof ChangeApplier changes)) {
            throw new TidemarkException(ErrorCode.UNSUPPORTED, where() + "the " + request.mode() + " writer of " + target
                    + " cannot remove every record; that is part of applying keyed changes (CHANGES)");
        }
        return changes.truncate();
    }

    @Override
    public void commit(CommittedState committedState) { finish(Optional.of(committedState)); }

    @Override
    public void commitDataOnly() { finish(Optional.empty()); }

    private void finish(Optional<CommittedState> committedState) {
        requireOpen();
        try {
            switch (intake) {
                case RowLoad rows -> skipped = rows.finish();
                case ChangeApplier changes -> changes.requireUsable();
            }
            if (committedState.isPresent()) state.write(connection, committedState.get());
            connection.commit();
            committed = true;
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "committing " + target, e);
        } catch (IOException e) {
            throw SqlErrors.io(db.connectionName(), "loading staged rows into " + target, e);
        }
    }

    private long swapShadow(long loaded) throws SQLException {
        for (String statement : dialect.swap(target, shadow)) Jdbc.execute(connection, statement);
        return 0;
    }

    private long upsertStaged(long loaded) throws SQLException {
        long applied = Jdbc.executeUpdate(connection, dialect.upsert(target, names(), key, latestPerKey(key)));
        Jdbc.execute(connection, "DROP TABLE " + dialect.quote(STAGE));
        return loaded - applied;
    }

    private long appendStaged(long loaded) throws SQLException {
        long applied = append();
        Jdbc.execute(connection, "DROP TABLE " + dialect.quote(STAGE));
        return loaded - applied;
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

    private List<String> names() { return request.schema().columnNames(); }

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
        intake.close();
        Jdbc.rollbackAndClose(connection);
    }
}
