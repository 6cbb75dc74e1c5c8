package io.tidemark.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "resync", description = "Forget the checkpoint and reload everything; the table is swapped in atomically. "
        + "A diff sync sends every row as added.")
final class ResyncCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print the run summary as JSON.") boolean json;

    @Option(names = "--yes", description = "Confirm a resync that can duplicate records (a diff sync in insert mode); "
            + "required then when not on a terminal.") boolean yes;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            Optional<String> warning = backend.resyncWarning(sync);
            if (warning.isPresent()) {
                System.err.println("warning: " + warning.get());
                if (!yes && !Confirm.ask("Resync \"" + sync + "\" anyway?")) {
                    System.err.println("not resynced (confirm with --yes)");
                    return ExitCodes.BAD_INPUT;
                }
            }
            return Runs.execute(backend, List.of(sync), Backend.Operation.RESYNC, json);
        }
    }
}
