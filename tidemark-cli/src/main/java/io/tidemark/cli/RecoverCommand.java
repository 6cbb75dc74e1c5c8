package io.tidemark.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "recover", description = "Bring a sync back after a failure or a pause by its lag guard: resume it, then run it "
        + "from its last committed checkpoint.")
final class RecoverCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print the run summary as JSON.") boolean json;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            return Runs.execute(backend, List.of(sync), Backend.Operation.RECOVER, json);
        }
    }
}
