package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "cancel", description = "Stop a sync's running run on a server (--server): it ends at its next safe point, "
        + "what it has not committed rolls back and its checkpoint stays at the last commit.")
final class CancelCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print the server's answer as JSON.") boolean json;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            JsonNode answer = backend.cancel(sync);
            if (json) {
                System.out.println(ApiJson.pretty(answer));
            } else {
                System.out.println(sync + ": run " + answer.path("run").path("run_id").asLong() + " asked to stop; "
                        + answer.path("message").asText() + " (`tidemark runs " + sync + "` shows it)");
            }
            return ExitCodes.OK;
        }
    }
}
