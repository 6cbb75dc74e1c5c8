package io.tidemark.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "delete-data", description = "Drop what the sync wrote at the destination and its checkpoint; keep the sync.")
final class DeleteDataCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--yes", description = "Confirm; required when not on a terminal.") boolean yes;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            var target = backend.workspace().sync(sync).target();
            if (!yes && !Confirm.ask("Delete table " + target + ", everything sync \"" + sync + "\" wrote, and its checkpoint?")) {
                System.err.println("not deleted (confirm with --yes)");
                return ExitCodes.BAD_INPUT;
            }
            backend.deleteData(sync);
            System.out.println(sync + ": destination data and checkpoint deleted; the next run is a first run");
            return ExitCodes.OK;
        }
    }
}
