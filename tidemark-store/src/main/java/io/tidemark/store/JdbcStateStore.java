package io.tidemark.store;

import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The state store on SQLite or Postgres: one code path of plain SQL, the differences in {@link Dialect}.
 * Timestamps are stored as epoch milliseconds, and taken from the clock truncated to milliseconds, so what a
 * method returns is exactly what a later read returns.
 */
final class JdbcStateStore implements StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStateStore.class);
    private static final String ENGINE_STOPPED = "engine stopped before the run finished";

    private static final String SELECT_SYNCS = "select id, name, paused, created_at_ms from syncs";
    private static final String SELECT_RUNS = """
            select r.id, r.sync_id, s.name, r.status, r.triggered_by, r.owner, r.started_at_ms, r.duration_ms,
                   r.rows_read, r.rows_written, r.rows_deleted, r.rows_rejected,
                   r.planned_added, r.planned_changed, r.planned_removed,
                   r.error_code, r.error_message, r.checkpoint_before, r.checkpoint_after,
                   r.capture_lag_bytes, r.capture_lag_ms
            from runs r join syncs s on s.id = r.sync_id""";
    /** Sets every counter of {@link RunCounts}; bind with {@link #withCounts}. */
    private static final String SET_COUNTS = """
            rows_read = ?, rows_written = ?, rows_deleted = ?, rows_rejected = ?,
            planned_added = ?, planned_changed = ?, planned_removed = ?""";
    private static final String SELECT_CHECKPOINTS =
            "select version, sync_id, run_id, checkpoint, reason, created_at_ms from checkpoints";
    private static final String SELECT_WORKSPACES = "select version, document, actor, saved_at_ms from workspace_versions";
    private static final String SELECT_AUDIT =
            "select id, at_ms, actor, action, target, before_json, after_json, detail from audit_events";
    private static final String SELECT_TOKENS = "select id, name, scope, created_at_ms, revoked_at_ms from api_tokens";
    private static final String SELECT_NODES = "select name, started_at_ms, last_seen_ms from server_nodes";
    private static final String SELECT_SEQUENCE_RUNS = """
            select id, sequence_name, status, triggered_by, started_at_ms, duration_ms, failed_sync, message
            from sequence_runs""";

    /** The version of the newest migration under db/migration/{sqlite,postgres}; a test keeps them in step. */
    static final String LATEST_MIGRATION = "5";
    private static final String SCHEMA_HISTORY = "tidemark_schema_history";

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final String shownUrl;
    private final Clock clock;

    private JdbcStateStore(HikariDataSource dataSource, Dialect dialect, String shownUrl, Clock clock) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.shownUrl = shownUrl;
        this.clock = clock;
    }

    static StateStore open(String jdbcUrl, String user, String password, Clock clock) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(clock, "clock");
        String shownUrl = StoreErrors.redact(jdbcUrl);
        Dialect dialect = Dialect.of(jdbcUrl, shownUrl);
        HikariDataSource dataSource = null;
        try {
            dataSource = new HikariDataSource(dialect.poolConfig(jdbcUrl, user, password));
            if (!atLatestMigration(dataSource)) migrate(dataSource, dialect);
            LOG.debug("state store {} open", shownUrl);
            return new JdbcStateStore(dataSource, dialect, shownUrl, clock);
        } catch (RuntimeException e) {
            if (dataSource != null) dataSource.close();
            throw StoreErrors.translate(e, shownUrl);
        }
    }

    /**
     * Whether the newest migration is already applied. Every CLI command opens the store, and starting Flyway costs
     * a few hundred milliseconds of class loading and scanning: an up-to-date store skips it.
     */
    private static boolean atLatestMigration(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version from " + SCHEMA_HISTORY
                     + " where success order by installed_rank desc limit 1")) {
            return rs.next() && LATEST_MIGRATION.equals(rs.getString(1));
        } catch (SQLException noHistoryYet) {
            return false;
        }
    }

    private static void migrate(DataSource dataSource, Dialect dialect) {
        flyway(dialect).dataSource(dataSource).load().migrate();
    }

    /** Flyway as the store runs it, still without a data source; tests use it to build an older schema. */
    static FluentConfiguration flyway(Dialect dialect) {
        return Flyway.configure(JdbcStateStore.class.getClassLoader())
                .locations(dialect.migrationLocation())
                // Not Flyway's default name: a Postgres schema shared with an application that uses Flyway too
                // must not mix the two histories.
                .table(SCHEMA_HISTORY);
    }

    // ---- syncs

    @Override
    public SyncRecord ensureSync(String name) {
        requireNotBlank(name, "sync name");
        // Read first, so the usual case takes no write lock. "On conflict do nothing" lets two stores create the
        // same sync at once; the re-read then returns whichever insert won.
        return findSync(name).orElseGet(() -> inTransaction(c -> {
            update(c, "insert into syncs (name, paused, created_at_ms) values (?, ?, ?) on conflict (name) do nothing",
                    name, false, now().toEpochMilli());
            return queryOne(c, JdbcStateStore::sync, SELECT_SYNCS + " where name = ?", name).orElseThrow();
        }));
    }

    @Override
    public Optional<SyncRecord> findSync(String name) {
        return withConnection(c -> queryOne(c, JdbcStateStore::sync, SELECT_SYNCS + " where name = ?", name));
    }

    @Override
    public List<SyncRecord> syncs() {
        return withConnection(c -> query(c, JdbcStateStore::sync, SELECT_SYNCS + " order by id"));
    }

    @Override
    public void setPaused(long syncId, boolean paused) {
        withConnection(c -> {
            if (update(c, "update syncs set paused = ? where id = ?", paused, syncId) == 0) throw syncNotFound(syncId);
            return null;
        });
    }

    // ---- runs

    @Override
    public RunRecord startRun(long syncId, String trigger, String owner, String checkpointBefore,
                              Predicate<String> isOwnerAlive) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(isOwnerAlive, "isOwnerAlive");
        return inTransaction(c -> {
            SyncRecord sync = lockSync(c, syncId);
            Optional<RunRecord> running = queryOne(c, JdbcStateStore::run,
                    SELECT_RUNS + " where r.sync_id = ? and r.status = ?", syncId, RunStatus.RUNNING.configName());
            if (running.isPresent()) {
                RunRecord other = running.get();
                if (isOwnerAlive.test(other.owner())) {
                    throw new TidemarkException(ErrorCode.SYNC_RUNNING, "sync \"" + sync.name() + "\" is already running"
                            + " as run " + other.id() + " (owner " + other.owner() + ", started " + other.startedAt()
                            + "); wait for it to finish or cancel it");
                }
                LOG.warn("sync \"{}\": run {} of {} marked failed: its owner is gone", sync.name(), other.id(), other.owner());
                update(c, "update runs set status = ?, error_code = ?, error_message = ? where id = ?",
                        RunStatus.FAILED.configName(), ErrorCode.INTERNAL.code(), ENGINE_STOPPED, other.id());
            }
            // The counters start at their column default, zero.
            long runId = queryOne(c, rs -> rs.getLong(1), """
                    insert into runs (sync_id, status, triggered_by, owner, started_at_ms, checkpoint_before)
                    values (?, ?, ?, ?, ?, ?) returning id""",
                    syncId, RunStatus.RUNNING.configName(), trigger, owner, now().toEpochMilli(), checkpointBefore)
                    .orElseThrow();
            return requireRun(c, runId);
        });
    }

    @Override
    public void updateProgress(long runId, RunCounts counts) {
        Objects.requireNonNull(counts, "counts");
        withConnection(c -> {
            int updated = update(c, "update runs set " + SET_COUNTS + " where id = ? and status = ?",
                    withCounts(counts, runId, RunStatus.RUNNING.configName()));
            if (updated == 0) requireRun(c, runId); // no longer running is fine; unknown is not
            return null;
        });
    }

    @Override
    public RunRecord finishRun(long runId, RunStatus status, RunCounts counts, String errorCode, String errorMessage,
                               String checkpointAfter) {
        Objects.requireNonNull(counts, "counts");
        if (!status.finished()) throw new IllegalArgumentException("a run finishes with a final status, not " + status);
        return inTransaction(c -> {
            RunRecord run = requireRun(c, runId);
            long durationMs = Math.max(0, now().toEpochMilli() - run.startedAt().toEpochMilli());
            update(c, "update runs set " + SET_COUNTS + ", status = ?, duration_ms = ?,"
                    + " error_code = ?, error_message = ?, checkpoint_after = ? where id = ?",
                    withCounts(counts, status.configName(), durationMs, errorCode, errorMessage, checkpointAfter,
                            runId));
            return requireRun(c, runId);
        });
    }

    @Override
    public void recordCaptureLag(long runId, CaptureLag lag) {
        Objects.requireNonNull(lag, "lag");
        withConnection(c -> {
            if (update(c, "update runs set capture_lag_bytes = ?, capture_lag_ms = ? where id = ?",
                    lag.bytes(), lag.millis(), runId) == 0) {
                throw runNotFound(runId);
            }
            return null;
        });
    }

    @Override
    public Optional<RunRecord> run(long runId) {
        return withConnection(c -> queryOne(c, JdbcStateStore::run, SELECT_RUNS + " where r.id = ?", runId));
    }

    @Override
    public List<RunRecord> runs(Optional<String> syncName, int limit) {
        requirePositive(limit);
        return withConnection(c -> syncName.isPresent()
                ? query(c, JdbcStateStore::run, SELECT_RUNS + " where s.name = ? order by r.id desc limit ?",
                        syncName.get(), limit)
                : query(c, JdbcStateStore::run, SELECT_RUNS + " order by r.id desc limit ?", limit));
    }

    @Override
    public List<RunRecord> runningRuns() {
        return withConnection(c -> query(c, JdbcStateStore::run, SELECT_RUNS + " where r.status = ? order by r.id",
                RunStatus.RUNNING.configName()));
    }

    @Override
    public Map<RunStatus, Long> runCountsByStatus() {
        List<Map.Entry<RunStatus, Long>> counted = withConnection(c -> query(c,
                rs -> Map.entry(RunStatus.fromConfigName(rs.getString(1)), rs.getLong(2)),
                "select status, count(*) from runs group by status"));
        Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        for (RunStatus status : RunStatus.values()) counts.put(status, 0L);
        counted.forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
        return Collections.unmodifiableMap(counts);
    }

    @Override
    public boolean requestCancel(long runId) {
        return withConnection(c -> {
            // Coalesce: a second request keeps the time of the first.
            int updated = update(c, "update runs set cancel_requested_at_ms = coalesce(cancel_requested_at_ms, ?)"
                    + " where id = ? and status = ?", now().toEpochMilli(), runId, RunStatus.RUNNING.configName());
            if (updated == 0) requireRun(c, runId); // finished is an answer; unknown is not
            return updated == 1;
        });
    }

    @Override
    public boolean cancelRequested(long runId) {
        return withConnection(c -> queryOne(c, rs -> rs.getBoolean(1),
                "select cancel_requested_at_ms is not null from runs where id = ?", runId)).orElse(false);
    }

    @Override
    public void saveRejections(long runId, List<RejectedRecord> rows) {
        List<RejectedRecord> saved = List.copyOf(rows); // rejects null rows before anything is written
        if (saved.isEmpty()) return;
        inTransaction(c -> {
            requireRun(c, runId); // NOT_FOUND rather than a foreign key violation
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into run_rejections (run_id, change, record_key, reason) values (?, ?, ?, ?)")) {
                for (RejectedRecord row : saved) {
                    insert.setLong(1, runId);
                    insert.setString(2, row.change());
                    insert.setString(3, row.key());
                    insert.setString(4, row.reason());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<RejectedRecord> rejections(long runId, int limit) {
        requirePositive(limit);
        return withConnection(c -> query(c, JdbcStateStore::rejection,
                "select change, record_key, reason from run_rejections where run_id = ? order by id limit ?",
                runId, limit));
    }

    // ---- schema evolution

    @Override
    public void saveSchemaChanges(long runId, List<SchemaChangeRecord> changes) {
        List<SchemaChangeRecord> saved = List.copyOf(changes);
        if (saved.isEmpty()) return;
        inTransaction(c -> {
            requireRun(c, runId);
            try (PreparedStatement insert = c.prepareStatement("insert into run_schema_changes "
                    + "(run_id, kind, column_name, before_type, after_type, action, description) values (?, ?, ?, ?, ?, ?, ?)")) {
                for (SchemaChangeRecord change : saved) {
                    insert.setLong(1, runId);
                    insert.setString(2, change.kind());
                    insert.setString(3, change.column());
                    insert.setString(4, change.before().orElse(null));
                    insert.setString(5, change.after().orElse(null));
                    insert.setString(6, change.action());
                    insert.setString(7, change.description());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<SchemaChangeRecord> schemaChanges(long runId) {
        return withConnection(c -> query(c, rs -> new SchemaChangeRecord(rs.getString(1), rs.getString(2),
                        Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4)), rs.getString(5), rs.getString(6)),
                "select kind, column_name, before_type, after_type, action, description from run_schema_changes where run_id = ? order by id",
                runId));
    }

    @Override
    public Optional<String> schemaBaseline(long syncId) {
        return withConnection(c -> queryOne(c, rs -> rs.getString(1), "select baseline from sync_schemas where sync_id = ?", syncId));
    }

    @Override
    public void saveSchemaBaseline(long syncId, String baseline) {
        inTransaction(c -> {
            if (baseline == null) {
                update(c, "delete from sync_schemas where sync_id = ?", syncId);
            } else {
                update(c, """
                        insert into sync_schemas (sync_id, baseline, updated_at_ms) values (?, ?, ?)
                        on conflict (sync_id) do update set baseline = excluded.baseline, updated_at_ms = excluded.updated_at_ms""",
                        syncId, baseline, now().toEpochMilli());
            }
            return null;
        });
    }

    // ---- checkpoints

    @Override
    public CheckpointVersion saveCheckpoint(long syncId, Long runId, String checkpoint, String reason) {
        Objects.requireNonNull(reason, "reason");
        return inTransaction(c -> {
            lockSync(c, syncId); // two writers must not both take the same next version
            long version = queryOne(c, rs -> rs.getLong(1),
                    "select coalesce(max(version), 0) + 1 from checkpoints where sync_id = ?", syncId).orElseThrow();
            Instant createdAt = now();
            update(c, """
                    insert into checkpoints (sync_id, version, run_id, checkpoint, reason, created_at_ms)
                    values (?, ?, ?, ?, ?, ?)""",
                    syncId, version, runId, checkpoint, reason, createdAt.toEpochMilli());
            return new CheckpointVersion(version, syncId, runId, checkpoint, reason, createdAt);
        });
    }

    @Override
    public Optional<CheckpointVersion> latestCheckpoint(long syncId) {
        return withConnection(c -> queryOne(c, JdbcStateStore::checkpoint,
                SELECT_CHECKPOINTS + " where sync_id = ? order by version desc limit 1", syncId));
    }

    @Override
    public List<CheckpointVersion> checkpointHistory(long syncId) {
        return withConnection(c -> query(c, JdbcStateStore::checkpoint,
                SELECT_CHECKPOINTS + " where sync_id = ? order by version", syncId));
    }

    @Override
    public List<CheckpointVersion> runCheckpoints(long syncId, long runId) {
        return withConnection(c -> query(c, JdbcStateStore::checkpoint,
                SELECT_CHECKPOINTS + " where sync_id = ? and run_id = ? order by version", syncId, runId));
    }

    // ---- the server

    @Override
    public Optional<WorkspaceVersion> latestWorkspace() {
        return withConnection(c -> queryOne(c, JdbcStateStore::workspace,
                SELECT_WORKSPACES + " order by version desc limit 1"));
    }

    @Override
    public WorkspaceVersion saveWorkspace(long expectedVersion, String document, String actor) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(actor, "actor");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expected workspace version must not be negative, got " + expectedVersion);
        }
        WorkspaceVersion saved = new WorkspaceVersion(expectedVersion + 1, document, actor, now());
        return withConnection(c -> {
            try {
                // One statement, no read-then-write: SQLite takes the write lock before the statement reads, and on
                // Postgres two saves that both read the expected version meet at the primary key, where one fails.
                if (update(c, """
                        insert into workspace_versions (version, document, actor, saved_at_ms)
                        select ?, ?, ?, ? where (select coalesce(max(version), 0) from workspace_versions) = ?""",
                        saved.version(), document, actor, saved.savedAt().toEpochMilli(), expectedVersion) == 1) {
                    return saved;
                }
            } catch (SQLException e) {
                if (!StoreErrors.isUniqueViolation(e)) throw e;
            }
            long latest = queryOne(c, rs -> rs.getLong(1), "select coalesce(max(version), 0) from workspace_versions")
                    .orElseThrow();
            throw new TidemarkException(ErrorCode.CONFLICT, latest > expectedVersion
                    ? "the workspace configuration changed (version " + latest + " is newer than the expected "
                            + expectedVersion + "); read it again and retry"
                    : "the workspace configuration has no version " + expectedVersion + " (the newest is " + latest
                            + "); read it again and retry");
        });
    }

    @Override
    public AuditEvent appendAudit(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Instant at = now();
        long id = withConnection(c -> queryOne(c, rs -> rs.getLong(1), """
                insert into audit_events (at_ms, actor, action, target, before_json, after_json, detail)
                values (?, ?, ?, ?, ?, ?, ?) returning id""",
                at.toEpochMilli(), entry.actor(), entry.action(), entry.target(), entry.beforeJson().orElse(null),
                entry.afterJson().orElse(null), entry.detail().orElse(null)).orElseThrow());
        return new AuditEvent(id, at, entry.actor(), entry.action(), entry.target(), entry.beforeJson(),
                entry.afterJson(), entry.detail());
    }

    @Override
    public List<AuditEvent> audit(AuditQuery query) {
        StringBuilder sql = new StringBuilder(SELECT_AUDIT).append(" where id > ?");
        List<Object> parameters = new ArrayList<>(List.of(query.afterId()));
        query.target().ifPresent(target -> {
            sql.append(" and target = ?");
            parameters.add(target);
        });
        query.actor().ifPresent(actor -> {
            sql.append(" and actor = ?");
            parameters.add(actor);
        });
        query.since().ifPresent(since -> {
            sql.append(" and at_ms >= ?");
            parameters.add(since.toEpochMilli());
        });
        sql.append(query.newestFirst() ? " order by id desc limit ?" : " order by id limit ?");
        parameters.add(query.limit());
        return withConnection(c -> query(c, JdbcStateStore::auditEvent, sql.toString(), parameters.toArray()));
    }

    @Override
    public ApiToken createToken(String name, String scope, String tokenHash) {
        requireNotBlank(name, "token name");
        requireNotBlank(scope, "token scope");
        requireNotBlank(tokenHash, "token hash");
        Instant createdAt = now();
        Optional<Long> id = withConnection(c -> {
            try {
                // A taken name is an answer, not a failed statement; a taken hash still fails the insert.
                return queryOne(c, rs -> rs.getLong(1), """
                        insert into api_tokens (name, scope, token_hash, created_at_ms) values (?, ?, ?, ?)
                        on conflict (name) do nothing returning id""",
                        name, scope, tokenHash, createdAt.toEpochMilli());
            } catch (SQLException e) {
                if (!StoreErrors.isUniqueViolation(e)) throw e;
                throw new TidemarkException(ErrorCode.CONFLICT,
                        "API token \"" + name + "\" has the same hash as another token; generate a new token");
            }
        });
        return new ApiToken(id.orElseThrow(() -> new TidemarkException(ErrorCode.CONFLICT, "an API token named \""
                + name + "\" already exists (a revoked token keeps its name); choose another name")),
                name, scope, createdAt, Optional.empty());
    }

    @Override
    public Optional<ApiToken> findActiveToken(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash");
        return withConnection(c -> queryOne(c, JdbcStateStore::token,
                SELECT_TOKENS + " where token_hash = ? and revoked_at_ms is null", tokenHash));
    }

    @Override
    public List<ApiToken> tokens() {
        return withConnection(c -> query(c, JdbcStateStore::token, SELECT_TOKENS + " order by id"));
    }

    @Override
    public boolean revokeToken(String name) {
        Objects.requireNonNull(name, "name");
        return withConnection(c -> update(c,
                "update api_tokens set revoked_at_ms = ? where name = ? and revoked_at_ms is null",
                now().toEpochMilli(), name) == 1);
    }

    @Override
    public void heartbeat(String node) {
        requireNotBlank(node, "node name");
        long nowMs = now().toEpochMilli();
        withConnection(c -> update(c, """
                insert into server_nodes (name, started_at_ms, last_seen_ms) values (?, ?, ?)
                on conflict (name) do update set last_seen_ms = excluded.last_seen_ms""", node, nowMs, nowMs));
    }

    @Override
    public List<ServerNode> nodes() {
        return withConnection(c -> query(c, JdbcStateStore::node, SELECT_NODES + " order by name"));
    }

    @Override
    public SequenceRun startSequenceRun(String sequence, String trigger) {
        requireNotBlank(sequence, "sequence name");
        Objects.requireNonNull(trigger, "trigger");
        Instant startedAt = now();
        long id = withConnection(c -> queryOne(c, rs -> rs.getLong(1), """
                insert into sequence_runs (sequence_name, status, triggered_by, started_at_ms)
                values (?, ?, ?, ?) returning id""",
                sequence, RunStatus.RUNNING.configName(), trigger, startedAt.toEpochMilli()).orElseThrow());
        return new SequenceRun(id, sequence, RunStatus.RUNNING, trigger, startedAt, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Override
    public SequenceRun finishSequenceRun(long id, RunStatus status, String failedSync, String message) {
        if (!status.finished()) {
            throw new IllegalArgumentException("a sequence run finishes with a final status, not " + status);
        }
        return inTransaction(c -> {
            SequenceRun run = requireSequenceRun(c, id);
            long durationMs = Math.max(0, now().toEpochMilli() - run.startedAt().toEpochMilli());
            update(c, "update sequence_runs set status = ?, duration_ms = ?, failed_sync = ?, message = ? where id = ?",
                    status.configName(), durationMs, failedSync, message, id);
            return requireSequenceRun(c, id);
        });
    }

    @Override
    public List<SequenceRun> sequenceRuns(Optional<String> sequence, int limit) {
        requirePositive(limit);
        return withConnection(c -> sequence.isPresent()
                ? query(c, JdbcStateStore::sequenceRun,
                        SELECT_SEQUENCE_RUNS + " where sequence_name = ? order by id desc limit ?", sequence.get(), limit)
                : query(c, JdbcStateStore::sequenceRun, SELECT_SEQUENCE_RUNS + " order by id desc limit ?", limit));
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return "StateStore[" + shownUrl + "]";
    }

    // ---- helpers

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private SyncRecord lockSync(Connection c, long syncId) throws SQLException {
        return queryOne(c, JdbcStateStore::sync, SELECT_SYNCS + " where id = ?" + dialect.rowLock(), syncId)
                .orElseThrow(() -> syncNotFound(syncId));
    }

    private RunRecord requireRun(Connection c, long runId) throws SQLException {
        return queryOne(c, JdbcStateStore::run, SELECT_RUNS + " where r.id = ?", runId)
                .orElseThrow(() -> runNotFound(runId));
    }

    private TidemarkException runNotFound(long runId) {
        return new TidemarkException(ErrorCode.NOT_FOUND,
                "run " + runId + " not found in state store " + shownUrl + "; list runs to find its id");
    }

    private SequenceRun requireSequenceRun(Connection c, long id) throws SQLException {
        return queryOne(c, JdbcStateStore::sequenceRun, SELECT_SEQUENCE_RUNS + " where id = ?", id)
                .orElseThrow(() -> new TidemarkException(ErrorCode.NOT_FOUND, "sequence run " + id
                        + " not found in state store " + shownUrl + "; list the sequence's runs to find its id"));
    }

    private TidemarkException syncNotFound(long syncId) {
        return new TidemarkException(ErrorCode.NOT_FOUND,
                "sync id " + syncId + " not found in state store " + shownUrl + "; list syncs to find its id");
    }

    private static SyncRecord sync(ResultSet rs) throws SQLException {
        return new SyncRecord(rs.getLong(1), rs.getString(2), rs.getBoolean(3), Instant.ofEpochMilli(rs.getLong(4)));
    }

    private static RunRecord run(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), RunStatus.fromConfigName(rs.getString(4)),
                rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), nullableLong(rs, 8),
                new RunCounts(rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13),
                        rs.getLong(14), rs.getLong(15)),
                rs.getString(16), rs.getString(17), rs.getString(18), rs.getString(19), captureLag(rs, 20));
    }

    /** The lag in columns {@code first} (bytes) and {@code first + 1} (ms), which are null together. */
    private static Optional<CaptureLag> captureLag(ResultSet rs, int first) throws SQLException {
        long bytes = rs.getLong(first);
        if (rs.wasNull()) return Optional.empty();
        return Optional.of(new CaptureLag(bytes, rs.getLong(first + 1)));
    }

    /** The parameters of {@link #SET_COUNTS}, in its order, followed by {@code more}. */
    private static Object[] withCounts(RunCounts counts, Object... more) {
        Stream<Object> counters = Stream.of(counts.rowsRead(), counts.rowsWritten(), counts.rowsDeleted(),
                counts.rowsRejected(), counts.added(), counts.changed(), counts.removed());
        return Stream.concat(counters, Arrays.stream(more)).toArray();
    }

    private static RejectedRecord rejection(ResultSet rs) throws SQLException {
        return new RejectedRecord(rs.getString(1), rs.getString(2), rs.getString(3));
    }

    private static void requireNotBlank(String value, String what) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(what + " must not be blank");
    }

    private static void requirePositive(int limit) {
        if (limit <= 0) throw new IllegalArgumentException("limit must be positive, got " + limit);
    }

    private static CheckpointVersion checkpoint(ResultSet rs) throws SQLException {
        return new CheckpointVersion(rs.getLong(1), rs.getLong(2), nullableLong(rs, 3), rs.getString(4),
                rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)));
    }

    private static WorkspaceVersion workspace(ResultSet rs) throws SQLException {
        return new WorkspaceVersion(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }

    private static AuditEvent auditEvent(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)),
                Optional.ofNullable(rs.getString(8)));
    }

    private static ApiToken token(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                Optional.ofNullable(nullableLong(rs, 5)).map(Instant::ofEpochMilli));
    }

    private static ServerNode node(ResultSet rs) throws SQLException {
        return new ServerNode(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3)));
    }

    private static SequenceRun sequenceRun(ResultSet rs) throws SQLException {
        return new SequenceRun(rs.getLong(1), rs.getString(2), RunStatus.fromConfigName(rs.getString(3)),
                rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                Optional.ofNullable(nullableLong(rs, 6)).map(Duration::ofMillis), Optional.ofNullable(rs.getString(7)),
                Optional.ofNullable(rs.getString(8)));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private <T> T withConnection(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw StoreErrors.translate(e, shownUrl);
        }
    }

    /** Runs {@code work} in one transaction. On any exception it stays uncommitted: Hikari rolls it back on close. */
    private <T> T inTransaction(SqlWork<T> work) {
        return withConnection(c -> {
            c.setAutoCommit(false);
            T result = work.apply(c);
            c.commit();
            return result;
        });
    }

    private static <T> List<T> query(Connection c, RowMapper<T> mapper, String sql, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = prepare(c, sql, parameters); ResultSet rs = statement.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) rows.add(mapper.map(rs));
            return rows;
        }
    }

    private static <T> Optional<T> queryOne(Connection c, RowMapper<T> mapper, String sql, Object... parameters)
            throws SQLException {
        List<T> rows = query(c, mapper, sql, parameters);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(c, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) statement.setObject(i + 1, parameters[i]);
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }
}
