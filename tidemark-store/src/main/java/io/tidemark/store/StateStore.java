package io.tidemark.store;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The engine's memory: syncs, their runs (with the records each run's destination rejected) and the history of
 * their checkpoints; and the server's: its configuration versions, audit trail, API tokens, cluster nodes and
 * sequence runs. In SQLite (one machine) or Postgres (several servers sharing work). Thread-safe; several
 * stores, in one process or several, may use the same database at once. Failures are
 * {@link TidemarkException}s; ids that do not exist are {@link ErrorCode#NOT_FOUND} where a method needs them, and
 * an empty result where it only looks.
 */
public interface StateStore extends AutoCloseable {

    /**
     * Opens the store, creating and migrating its tables: {@code jdbc:sqlite:/path/state.db} or
     * {@code jdbc:postgresql://host:port/db}. {@code user} and {@code password} may be null when the URL carries
     * them (or none are needed). On Postgres the tables go into the connection's current schema (choose it with
     * {@code currentSchema=} in the URL).
     *
     * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} for an unsupported URL or a database that cannot
     *         be migrated, or a connection error code ({@link ErrorCode#CONNECTION_FAILED},
     *         {@link ErrorCode#AUTHENTICATION_FAILED}, …); the message names the URL with its password redacted
     */
    static StateStore open(String jdbcUrl, String user, String password, Clock clock) {
        return JdbcStateStore.open(jdbcUrl, user, password, clock);
    }

    /** The URL as logs and messages show it: any password in it replaced. */
    static String shownUrl(String jdbcUrl) {
        return StoreErrors.redact(jdbcUrl);
    }

    /** Where {@link #defaultSqlite} keeps a workspace's state: {@code <workspace>/.tidemark/state.db}. */
    static Path defaultSqlitePath(Path workspaceDir) {
        return workspaceDir.resolve(".tidemark").resolve("state.db");
    }

    /** Opens the workspace's embedded SQLite store at {@link #defaultSqlitePath}, creating its folder. */
    static StateStore defaultSqlite(Path workspaceDir, Clock clock) {
        Path file = defaultSqlitePath(workspaceDir).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new TidemarkException(ErrorCode.IO_ERROR, "cannot create the state folder " + file.getParent()
                    + " (" + e + "); check that the workspace is writable", e);
        }
        return open("jdbc:sqlite:" + file, null, null, clock);
    }

    /** Returns the sync's record, creating it with the next stable numeric id if new. Names are unique. */
    SyncRecord ensureSync(String name);

    Optional<SyncRecord> findSync(String name);

    /** Every sync, by id. */
    List<SyncRecord> syncs();

    void setPaused(long syncId, boolean paused);

    /**
     * Atomically (also against other stores on the same database): refuses with
     * {@link ErrorCode#SYNC_RUNNING}, naming the running run, if the sync has a {@link RunStatus#RUNNING} run whose
     * owner is alive; marks the running run of a dead owner {@link RunStatus#FAILED} ("engine stopped before the run
     * finished"); then inserts a new running run. {@code isOwnerAlive} is called inside the transaction: keep it
     * fast (a process or lease check, not a network round trip).
     */
    RunRecord startRun(long syncId, String trigger, String owner, String checkpointBefore,
                       Predicate<String> isOwnerAlive);

    /**
     * Updates a running run's live counters; called every few seconds during a run. A late update for a run that
     * already finished is ignored, so it never overwrites the final counts.
     */
    void updateProgress(long runId, RunCounts counts);

    /**
     * Records the run's final state; the duration runs from its start to now (by the store's clock).
     *
     * @throws IllegalArgumentException if {@code status} is not a final status
     */
    RunRecord finishRun(long runId, RunStatus status, RunCounts counts, String errorCode, String errorMessage,
                        String checkpointAfter);

    /**
     * Records a run's capture lag: the source's change log kept for a cdc sync when the run ended (bytes) and how
     * far the destination was behind in time. Allowed in any status, so the engine can record it before or after
     * finishing the run; a later call replaces the earlier lag.
     *
     * @throws TidemarkException {@link ErrorCode#NOT_FOUND} if the run does not exist
     */
    void recordCaptureLag(long runId, CaptureLag lag);

    Optional<RunRecord> run(long runId);

    /** Newest first, at most {@code limit}; {@code syncName} empty means every sync. */
    List<RunRecord> runs(Optional<String> syncName, int limit);

    /** Every run whose status is {@link RunStatus#RUNNING}, of every sync, oldest first. */
    List<RunRecord> runningRuns();

    /** How many runs have each status, over every sync; every status is a key, with 0 when no run has it. */
    Map<RunStatus, Long> runCountsByStatus();

    /**
     * Asks the engine that owns a running run to cancel it; the engine finds out with {@link #cancelRequested}.
     * Asking again keeps the time of the first request.
     *
     * @return true if the run is running, so the request stands (asked again or not); false if it already finished
     * @throws TidemarkException {@link ErrorCode#NOT_FOUND} if the run does not exist
     */
    boolean requestCancel(long runId);

    /** Whether someone asked to cancel the run ({@link #requestCancel}); false for a run that does not exist. */
    boolean cancelRequested(long runId);

    /**
     * Keeps the records the destination rejected during a run, in the order given, in one transaction. The engine
     * calls it once per run with the first rejections only (at most 1,000); the run's {@link RunCounts#rowsRejected}
     * holds the total. A further call appends after the rows already saved; an empty list does nothing.
     *
     * @throws TidemarkException {@link ErrorCode#NOT_FOUND} if the run does not exist
     */
    void saveRejections(long runId, List<RejectedRecord> rows);

    /**
     * The first {@code limit} rejections saved for the run, in the order saved; empty for a run without any (or
     * that does not exist).
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<RejectedRecord> rejections(long runId, int limit);

    /**
     * Keeps the source schema changes a run met, in the order given (appended after any saved before); an empty list
     * does nothing.
     *
     * @throws TidemarkException {@link ErrorCode#NOT_FOUND} if the run does not exist
     */
    void saveSchemaChanges(long runId, List<SchemaChangeRecord> changes);

    /** The schema changes saved for the run, in the order saved; empty for a run without any (or that does not exist). */
    List<SchemaChangeRecord> schemaChanges(long runId);

    /** The engine's record of the source shape the sync's destination was built from; empty before the first run. */
    Optional<String> schemaBaseline(long syncId);

    /** Replaces the sync's schema baseline; {@code null} forgets it (the sync's data was deleted). */
    void saveSchemaBaseline(long syncId, String baseline);

    /**
     * Appends a checkpoint version (history is never rewritten): before and after each run, and on resets.
     * {@code checkpoint} null means "no checkpoint" (after a resync or a data delete); {@code runId} may be null.
     */
    CheckpointVersion saveCheckpoint(long syncId, Long runId, String checkpoint, String reason);

    /** The newest version, whose checkpoint may be null ("no checkpoint"); empty if the sync never had one. */
    Optional<CheckpointVersion> latestCheckpoint(long syncId);

    /** Every version of the sync's checkpoint, oldest first. */
    List<CheckpointVersion> checkpointHistory(long syncId);

    /** The versions of the sync's checkpoint that one of its runs saved, oldest first (a run's page shows them). */
    List<CheckpointVersion> runCheckpoints(long syncId, long runId);

    // ---- the server

    /** The newest saved version of the workspace configuration; empty if none was saved yet. */
    Optional<WorkspaceVersion> latestWorkspace();

    /**
     * Saves a new version of the workspace configuration, compare-and-set: version {@code expectedVersion + 1}
     * is saved only if the newest version is exactly {@code expectedVersion} (0: none saved yet). Atomic, also
     * against other stores on the same database: of two saves expecting the same version, one wins and the other
     * gets the conflict. Versions are never rewritten.
     *
     * @throws TidemarkException {@link ErrorCode#CONFLICT} if the newest version is not {@code expectedVersion}:
     *         read it again and retry
     * @throws IllegalArgumentException if {@code expectedVersion} is negative
     */
    WorkspaceVersion saveWorkspace(long expectedVersion, String document, String actor);

    /** Appends an event to the audit trail, at the store clock's time. The trail is never rewritten. */
    AuditEvent appendAudit(AuditEntry entry);

    /** The audit events the query selects, oldest (lowest id) first; see {@link AuditQuery}. */
    List<AuditEvent> audit(AuditQuery query);

    /**
     * Records a new, active API token. Only its hash is kept; the caller hashes the token and shows it once.
     *
     * @throws TidemarkException {@link ErrorCode#CONFLICT} if a token, active or revoked, already has the name
     *         (or, which only a reused token could cause, the hash)
     */
    ApiToken createToken(String name, String scope, String tokenHash);

    /** The token with this hash, unless it was revoked; empty for a hash no token has. */
    Optional<ApiToken> findActiveToken(String tokenHash);

    /** Every token, revoked ones included, in the order they were created. */
    List<ApiToken> tokens();

    /**
     * Revokes the token with this name: {@link #findActiveToken} no longer finds it, and its name stays taken.
     *
     * @return true if an active token was revoked; false if none has the name or it was already revoked
     */
    boolean revokeToken(String name);

    /**
     * Records that the server {@code node} is alive now, by the store's clock: the first heartbeat under a name
     * sets its start time, every one sets its last-seen time.
     */
    void heartbeat(String node);

    /** Every server that ever sent a heartbeat, by name; tell the live ones by {@link ServerNode#lastSeen()}. */
    List<ServerNode> nodes();

    /** Records a new, {@link RunStatus#RUNNING} run of a sequence. */
    SequenceRun startSequenceRun(String sequence, String trigger);

    /**
     * Records a sequence run's final state; the duration runs from its start to now (by the store's clock).
     *
     * @param failedSync the sync whose failure stopped the sequence, or null
     * @param message    what to tell the user about the run, or null
     * @throws IllegalArgumentException if {@code status} is not a final status
     * @throws TidemarkException {@link ErrorCode#NOT_FOUND} if the sequence run does not exist
     */
    SequenceRun finishSequenceRun(long id, RunStatus status, String failedSync, String message);

    /** Newest first, at most {@code limit}; {@code sequence} empty means every sequence. */
    List<SequenceRun> sequenceRuns(Optional<String> sequence, int limit);

    /**
     * The store's pooled connections, for the server's cluster scheduler, which keeps its table
     * ({@code scheduled_tasks}, created by the store's migrations) in the same database. Do not close the data
     * source: the store's {@link #close()} does. Close each connection as soon as its statement or short
     * transaction is done: the store waits for a free one (on SQLite the pool is a single connection, the
     * database's single writer).
     */
    DataSource dataSource();

    @Override
    void close();
}
