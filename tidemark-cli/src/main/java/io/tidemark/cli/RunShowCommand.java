package io.tidemark.cli;

import io.tidemark.engine.SyncEngine;
import io.tidemark.store.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run-show", description = "Everything recorded about one run.")
final class RunShowCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "RUN_ID") long runId;

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (SyncEngine engine = workspace.openEngine()) {
            RunRecord run = engine.runRecord(runId);
            Map<String, Object> fields = RunJson.summary(run);
            if (json) {
                System.out.println(RunJson.write(fields));
            } else {
                fields.forEach((k, v) -> System.out.printf("%-18s %s%n", k, v == null ? "-" : v));
            }
            return ExitCodes.OK;
        }
    }
}
