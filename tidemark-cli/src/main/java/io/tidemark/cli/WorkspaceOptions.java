package io.tidemark.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options every workspace command shares: which workspace — a local file and its state store, or a server — and how
 * verbose.
 */
final class WorkspaceOptions extends RemoteOptions {
    @Option(names = {"-f", "--file"}, defaultValue = "tidemark.yaml", description = "Workspace file (default: ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = "--state-store", description = "State store JDBC URL (jdbc:sqlite:… or jdbc:postgresql://…); "
            + "default: the workspace's state_store, else .tidemark/state.db beside the workspace file.")
    String stateStore;

    @Option(names = {"-v", "--verbose"}, description = "Log what the engine does to stderr.")
    boolean verbose;

    /** The server named by {@code --server}, else the local workspace file and its state store. */
    Backend open() {
        if (!remote()) return openLocal();
        for (String local : new String[] {"--file", "--state-store"}) {
            if (mixee.commandLine().getParseResult().hasMatchedOption(local)) {
                throw new CommandLine.ParameterException(mixee.commandLine(), local + " names a local workspace; with --server "
                        + "the command works on the server's workspace: drop one of them");
            }
        }
        return new RemoteBackend(client());
    }

    /** The local workspace, whatever {@code --server} says: for what only runs in this process. */
    LocalBackend openLocal() {
        if (verbose) ((Logger) LoggerFactory.getLogger("io.tidemark")).setLevel(Level.DEBUG);
        return new LocalBackend(file, stateStore);
    }
}
