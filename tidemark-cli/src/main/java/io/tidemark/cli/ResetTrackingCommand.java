package io.tidemark.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "reset-tracking", description = "Take the model's current rows as the baseline of a diff sync without "
        + "sending anything; later runs send only what changes after it.")
final class ResetTrackingCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print the run summary as JSON.") boolean json;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            int exit = Runs.execute(backend, List.of(sync), Backend.Operation.RESET_TRACKING, json);
            if (exit == ExitCodes.OK && !json) {
                System.out.println("  nothing was sent: the model's current rows are the new baseline; later runs of " + sync
                        + " send only what changes after it");
            }
            return exit;
        }
    }
}
