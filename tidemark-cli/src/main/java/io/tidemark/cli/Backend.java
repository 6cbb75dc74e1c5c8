package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.engine.config.WorkspacePlan;
import io.tidemark.api.ChangeClass;
import io.tidemark.server.api.ApiJson;
import io.tidemark.store.AuditEvent;
import io.tidemark.store.AuditQuery;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a workspace command does its work: the engine in this process on a workspace file and its state store
 * ({@link LocalBackend}), or a Tidemark server through its REST API ({@link RemoteBackend}). Results come in the API's
 * JSON shapes ({@link ApiJson}), so every command renders — and prints with {@code --json} — one way whichever backend
 * answered. Failures are {@link TidemarkException}s with the same codes either way.
 */
sealed interface Backend extends AutoCloseable permits LocalBackend, RemoteBackend {
    /** The operations that are recorded as runs. */
    enum Operation { RUN, RESYNC, RESET_TRACKING, RECOVER }

    /**
     * What applying a workspace did.
     *
     * @param where      where the new workspace now is: the file, or the server's version number
     * @param resyncRuns runs the server started for syncs changed destructively ({@link ApiJson#run} shapes); locally
     *                   none: the user resyncs
     */
    record Applied(String where, List<JsonNode> resyncRuns) {}

    /** The workspace, validated: what messages need to know about a sync (type, model, destination, key). */
    WorkspaceConfig workspace();

    /** Names the workspace in messages: its file, or the server. */
    String location();

    /** Every sync, in workspace order, with whether it is paused (by {@code pause} or {@code enabled: false}). */
    Map<String, Boolean> pausedBySync();

    /**
     * Performs {@code operation} on a sync and waits until its run finished, drawing progress on {@code progress}.
     *
     * @return the finished run with the schema changes it met, as {@link ApiJson#run(io.tidemark.store.RunRecord, List)}
     * @throws TidemarkException when it was refused before a run started (paused, unknown sync, …)
     */
    JsonNode run(String sync, Operation operation, ProgressPrinter progress);

    /** Newest first, as {@link ApiJson#run}. */
    List<JsonNode> runs(Optional<String> sync, int limit);

    /** One run with its schema changes, first rejected rows and the checkpoints it recorded, as {@link ApiJson#runDetail}. */
    JsonNode runDetail(long runId);

    /** As {@link ApiJson#status}. */
    JsonNode status(String sync);

    /** The named syncs and their connections, or everything when none is named; as {@link ApiJson#check} each. */
    List<JsonNode> check(List<String> syncs);

    /** As {@link ApiJson#discovered} each. */
    List<JsonNode> discover(String connection);

    /**
     * As {@link ApiJson#plan}, for any sync type: pending schema changes, and for a diff sync counts and samples (sample
     * values as canonical text, integers and booleans as JSON numbers and booleans).
     */
    JsonNode plan(String sync);

    /** As {@link ApiJson#testRow}; {@code overrides} maps a field to its value, or to null to send NULL. */
    JsonNode testRow(String sync, List<String> key, Optional<ChangeClass> as, Map<String, String> overrides);

    /** What a resync would risk and must be confirmed first (duplicates in an insert-only destination), if anything. */
    Optional<String> resyncWarning(String sync);

    void deleteData(String sync);

    /**
     * Asks the sync's running run to stop, as {@code {"run", "message"}}.
     *
     * @throws TidemarkException when the sync is not running, or locally: a local run stops with Ctrl-C where it runs
     */
    JsonNode cancel(String sync);

    /** Pauses or resumes; returns whether the sync is paused afterwards ({@code enabled: false} keeps it paused). */
    boolean setPaused(String sync, boolean paused);

    /** One page of the audit trail, oldest first. */
    List<AuditEvent> audit(AuditQuery query);

    /** The workspace as YAML: parsed and written out again, so key order and formatting are the export's own. */
    String exportYaml();

    /**
     * What applying {@code yaml} would change.
     *
     * @param source where the YAML came from, for messages
     */
    WorkspacePlan planWorkspace(Path source, String yaml);

    /** Replaces the workspace with {@code yaml}; destructive changes only with {@code allowDestructive}. */
    Applied applyWorkspace(Path source, String yaml, boolean allowDestructive);

    @Override
    void close();
}
