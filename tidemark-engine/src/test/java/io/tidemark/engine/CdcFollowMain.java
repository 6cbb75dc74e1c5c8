package io.tidemark.engine;

import java.nio.file.Path;

/** Follows one cdc sync in its own JVM until killed, so a crash test can SIGKILL it at any instant. */
public final class CdcFollowMain {
    private CdcFollowMain() {}

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        try (SyncEngine engine = DiffSyncTest.openEngine(file, file.getParent())) {
            System.err.println("finished: " + engine.run(args[1], "manual", RunListener.NONE, RunControl.following()).status());
        }
    }
}
