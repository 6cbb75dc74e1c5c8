package io.tidemark.cli;

import io.tidemark.engine.SyncEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "resync", description = "Forget the checkpoint and reload everything; the table is swapped in atomically.")
final class ResyncCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print the run summary as JSON.") boolean json;

    @Override
    public Integer call() {
        try (SyncEngine engine = workspace.openEngine()) {
            return Runs.execute(List.of(sync), name -> engine.resync(name, Runs.progress()), json);
        }
    }
}
