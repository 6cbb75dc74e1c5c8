package io.tidemark.store;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The engine's memory: syncs, their runs (with the records each run's destination rejected) and the history of
 * their checkpoints, in SQLite (one machine) or Postgres (several servers sharing work). Thread-safe; several
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
     * Appends a checkpoint version (history is never rewritten): before and after each run, and on resets.
     * {@code checkpoint} null means "no checkpoint" (after a resync or a data delete); {@code runId} may be null.
     */
    CheckpointVersion saveCheckpoint(long syncId, Long runId, String checkpoint, String reason);

    /** The newest version, whose checkpoint may be null ("no checkpoint"); empty if the sync never had one. */
    Optional<CheckpointVersion> latestCheckpoint(long syncId);

    /** Every version of the sync's checkpoint, oldest first. */
    List<CheckpointVersion> checkpointHistory(long syncId);

    @Override
    void close();
}
