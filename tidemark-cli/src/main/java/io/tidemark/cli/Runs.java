package io.tidemark.cli;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.RunListener;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Running one or more syncs and reporting them, shared by {@code run}, {@code resync} and {@code quickstart}. */
final class Runs {
    private Runs() {}

    static RunListener progress() { return new ProgressPrinter(System.err, Terminal.stderrIsTerminal(), Clock.systemUTC()); }

    /** Runs each sync in turn; one failing does not stop the others. Exit code: the worst outcome. */
    static int execute(List<String> syncs, Function<String, RunRecord> runner, boolean json) {
        List<Map<String, Object>> summaries = new ArrayList<>();
        int exit = ExitCodes.OK;
        for (String sync : syncs) {
            try {
                RunRecord run = runner.apply(sync);
                summaries.add(RunJson.summary(run));
                if (!json) System.out.println(Tables.runLine(run));
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
}
