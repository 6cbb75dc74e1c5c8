package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.server.api.ApiJson;
import io.tidemark.store.RunStatus;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Running one or more syncs and reporting them, shared by {@code run}, {@code resync}, {@code reset-tracking} and
 * {@code quickstart}, locally or on a server.
 */
final class Runs {
    private Runs() {}

    static ProgressPrinter progress() { return new ProgressPrinter(System.err, Terminal.stderrIsTerminal(), Clock.systemUTC()); }

    /** Performs {@code operation} on each sync in turn with {@link #execute(Backend, List, BiFunction, boolean)}. */
    static int execute(Backend backend, List<String> syncs, Backend.Operation operation, boolean json) {
        return execute(backend, syncs, (sync, progress) -> backend.run(sync, operation, progress), json);
    }

    /**
     * Runs each sync in turn; one failing does not stop the others. Exit code: the worst outcome.
     *
     * @param runner runs one sync to its end and returns the run with its schema changes, as
     *               {@link ApiJson#run(io.tidemark.store.RunRecord, List)}
     */
    static int execute(Backend backend, List<String> syncs, BiFunction<String, ProgressPrinter, JsonNode> runner, boolean json) {
        Predicate<JsonNode> planned = planned(backend);
        List<Object> summaries = new ArrayList<>();
        int exit = ExitCodes.OK;
        for (String sync : syncs) {
            try {
                JsonNode run = runner.apply(sync, progress());
                summaries.add(run);
                if (!json) {
                    System.out.println(Tables.runLine(run, planned.test(run)));
                    System.out.print(Tables.schemaChanges(run.path("schema_changes"), "  schema: "));
                }
                RunStatus status = RunStatus.fromConfigName(run.path("status").asText());
                long id = Tables.count(run, "run_id");
                if (status == RunStatus.SUCCEEDED_WITH_REJECTIONS) {
                    // The run succeeded (exit 0), but some records did not arrive: say so where scripts' logs show it.
                    System.err.printf("warning: sync \"%s\": the destination rejected %s of run %d; see which and why with `tidemark run-show %d`%n",
                            sync, Tables.rows(Tables.count(run, "rows_rejected")), id, id);
                }
                if (status == RunStatus.FAILED) {
                    exit = Math.max(exit, ErrorCode.fromCode(run.path("error_code").asText()).map(ErrorCode::exitCode).orElse(ExitCodes.RUN_FAILED));
                }
            } catch (TidemarkException e) {
                // Refused before a run started (paused, already running, unknown sync): reported, the others still run.
                System.err.println("error[" + e.errorCode().code() + "]: " + e.getMessage());
                Map<String, Object> refused = new LinkedHashMap<>();
                refused.put("sync", sync);
                refused.put("status", "refused");
                refused.put("error_code", e.errorCode().code());
                refused.put("error", e.getMessage());
                summaries.add(refused);
                exit = Math.max(exit, e.errorCode().exitCode());
            }
        }
        if (json) System.out.println(ApiJson.pretty(syncs.size() == 1 ? summaries.getFirst() : summaries));
        return exit;
    }

    /**
     * Whether a run's summary shows planned changes: runs of change-tracking (diff) and cdc syncs. A run of a sync since
     * removed from the workspace, or switched to another sync type, still shows them when it planned any. Asks the
     * backend for the workspace only when a run needs it.
     */
    static Predicate<JsonNode> planned(Backend backend) {
        return run -> {
            if (Tables.count(run, "added") + Tables.count(run, "changed") + Tables.count(run, "removed") > 0) return true;
            SyncConfig sync = backend.workspace().syncs().get(run.path("sync").asText());
            return sync != null && (sync.syncType() == SyncType.DIFF || sync.syncType() == SyncType.CDC);
        };
    }
}
