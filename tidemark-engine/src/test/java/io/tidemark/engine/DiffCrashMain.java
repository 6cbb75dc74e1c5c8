package io.tidemark.engine;


import java.nio.file.Path;

/** Runs one sync in its own JVM, so a crash test can kill the process at a {@link CrashPoint}. */
public final class DiffCrashMain {
    private DiffCrashMain() {}

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        try (SyncEngine engine = DiffSyncTest.openEngine(file, file.getParent())) {
            System.err.println("finished: " + engine.run(args[1], "manual", RunListener.NONE).status());
        }
    }
}
