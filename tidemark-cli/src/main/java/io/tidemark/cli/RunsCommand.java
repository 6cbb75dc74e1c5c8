package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "runs", description = "Run history, newest first.")
final class RunsCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(arity = "0..1", paramLabel = "SYNC", description = "Only this sync's runs.") String sync;

    @Option(names = "--limit", defaultValue = "20", description = "How many runs (default: ${DEFAULT-VALUE}).") int limit;

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        if (limit < 1) {
            System.err.println("error[usage]: --limit must be at least 1");
            return ExitCodes.BAD_INPUT;
        }
        try (Backend backend = workspace.open()) {
            List<JsonNode> runs = backend.runs(Optional.ofNullable(sync), limit);
            System.out.print(json ? ApiJson.pretty(runs) + "\n" : Tables.runTable(runs, Runs.planned(backend)));
            return ExitCodes.OK;
        }
    }
}
