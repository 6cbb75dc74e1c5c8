package io.tidemark.cli;

import io.tidemark.engine.SyncEngine;
import io.tidemark.store.RejectedRecord;
import io.tidemark.store.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run-show", description = "Everything recorded about one run, with the rows the destination rejected.")
final class RunShowCommand implements Callable<Integer> {
    /** Enough to see what went wrong; the rest stay in the state store. */
    private static final int REJECTIONS_SHOWN = 1_000;

    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "RUN_ID") long runId;

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (SyncEngine engine = workspace.openEngine()) {
            RunRecord run = engine.runRecord(runId);
            List<RejectedRecord> rejected = engine.rejections(runId, REJECTIONS_SHOWN);
            Map<String, Object> fields = RunJson.summary(run);
            if (json) {
                fields.put("rejected_rows", rejected.stream().map(RunJson::rejection).toList());
                System.out.println(RunJson.write(fields));
            } else {
                fields.forEach((k, v) -> System.out.printf("%-18s %s%n", k, v == null ? "-" : v));
                if (!rejected.isEmpty()) {
                    System.out.printf("%nshowing %,d of %s rejected:%n", rejected.size(), Tables.rows(run.counts().rowsRejected()));
                    System.out.print(Tables.grid(List.of("change", "key", "reason"),
                            rejected.stream().map(r -> List.of(r.change(), r.key(), r.reason())).toList()));
                }
            }
            return ExitCodes.OK;
        }
    }
}
