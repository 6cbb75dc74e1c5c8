package io.tidemark.engine;

import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.store.StateStore;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Runs one sync in its own JVM, so a crash test can kill the process at a {@link CrashPoint}. */
public final class DiffCrashMain {
    private DiffCrashMain() {}

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        ConnectorRegistry registry = ConnectorRegistry.load();
        try (SyncEngine engine = SyncEngine.builder().workspace(new WorkspaceLoader(registry, Map.<String, String>of()::get).load(file))
                .stateStore(StateStore.defaultSqlite(file.getParent(), Clock.systemUTC())).registry(registry).build()) {
            System.err.println("finished: " + engine.run(args[1], "manual", RunListener.NONE).status());
        }
    }
}
