package io.tidemark.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "pause", description = "Pause a sync without deleting anything: runs are refused until resumed "
        + "(a run in progress finishes).")
class PauseCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    boolean pause() { return true; }

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            boolean paused = backend.setPaused(sync, pause());
            if (pause()) {
                System.out.println(sync + ": paused; `tidemark resume " + sync + "` continues from its checkpoint");
            } else {
                System.out.println(paused
                        ? sync + ": resumed, but `enabled: false` in " + backend.location() + " still pauses it; set enabled: true"
                        : sync + ": resumed; its next run continues from its checkpoint");
            }
            return ExitCodes.OK;
        }
    }
}
