package io.tidemark.cli;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.RunListener;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.store.RunCounts;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Running one or more syncs and reporting them, shared by {@code run}, {@code resync}, {@code reset-tracking} and
 * {@code quickstart}.
 */
final class Runs {
    private Runs() {}

    static RunListener progress() { return new ProgressPrinter(System.err, Terminal.stderrIsTerminal(), Clock.systemUTC()); }

    /** Runs each sync in turn; one failing does not stop the others. Exit code: the worst outcome. */
    static int execute(SyncEngine engine, List<String> syncs, Function<String, RunRecord> runner, boolean json) {
        Predicate<RunRecord> planned = planned(engine);
        List<Map<String, Object>> summaries = new ArrayList<>();
        int exit = ExitCodes.OK;
        for (String sync : syncs) {
            try {
                RunRecord run = runner.apply(sync);
                summaries.add(RunJson.summary(run));
                if (!json) System.out.println(Tables.runLine(run, planned.test(run)));
                if (run.status() == RunStatus.SUCCEEDED_WITH_REJECTIONS) {
                    // The run succeeded (exit 0), but some records did not arrive: say so where scripts' logs show it.
                    System.err.printf("warning: sync \"%s\": the destination rejected %s of run %d; see which and why with `tidemark run-show %d`%n",
                            run.syncName(), Tables.rows(run.counts().rowsRejected()), run.id(), run.id());
                }
                if (run.status() == RunStatus.FAILED) {
                    exit = Math.max(exit, ErrorCode.fromCode(run.errorCode()).map(ErrorCode::exitCode).orElse(ExitCodes.RUN_FAILED));
                }
            } catch (TidemarkException e) {
                // Refused before a run started (paused, already running, unknown sync): reported, the others still run.
                System.err.println("error[" + e.errorCode().code() + "]: " + e.getMessage());
                summaries.add(Map.of("sync", sync, "status", "refused", "error_code", e.errorCode().code(), "error", e.getMessage()));
                exit = Math.max(exit, e.errorCode().exitCode());
            }
        }
        if (json) System.out.println(RunJson.write(syncs.size() == 1 ? summaries.getFirst() : summaries));
        return exit;
    }

    /**
     * Whether a run's summary shows planned changes: runs of change-tracking (diff) syncs. A run of a sync since removed
     * from the workspace, or switched to another sync type, still shows them when it planned any.
     */
    static Predicate<RunRecord> planned(SyncEngine engine) {
        return run -> {
            SyncConfig sync = engine.workspace().syncs().get(run.syncName());
            RunCounts c = run.counts();
            return sync != null && (sync.syncType() == SyncType.DIFF || sync.syncType() == SyncType.CDC) || c.added() + c.changed() + c.removed() > 0;
        };
    }
}
