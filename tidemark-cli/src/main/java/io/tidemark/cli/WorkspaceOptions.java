package io.tidemark.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.store.StateStore;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;

/** Options every workspace command shares: which file, which state store, how verbose. */
final class WorkspaceOptions {
    @Option(names = {"-f", "--file"}, defaultValue = "tidemark.yaml", description = "Workspace file (default: ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = "--state-store", description = "State store JDBC URL (jdbc:sqlite:… or jdbc:postgresql://…); "
            + "default: the workspace's state_store, else .tidemark/state.db beside the workspace file.")
    String stateStore;

    @Option(names = {"-v", "--verbose"}, description = "Log what the engine does to stderr.")
    boolean verbose;

    SyncEngine openEngine() {
        if (verbose) ((Logger) LoggerFactory.getLogger("io.tidemark")).setLevel(Level.DEBUG);
        ConnectorRegistry registry = ConnectorRegistry.load();
        WorkspaceConfig workspace = new WorkspaceLoader(registry, System::getenv).load(file);
        Clock clock = Clock.systemUTC();
        String url = stateStore != null ? stateStore : workspace.stateStoreUrl().orElse(null);
        StateStore store = url == null ? StateStore.defaultSqlite(workspace.directory(), clock) : StateStore.open(url, null, null, clock);
        return SyncEngine.builder().workspace(workspace).stateStore(store).registry(registry).clock(clock).build();
    }
}
