package io.tidemark.server;

import io.tidemark.server.schedule.SyncScheduler;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server node runs.
 *
 * @param dataDir       where connections' relative paths (DuckDB, SQLite files) and change-tracking snapshots live
 * @param nodeName      this node's name in the cluster (logs, run owners)
 * @param secretKeyFile the key that seals connection secrets, when not in {@code TIDEMARK_SECRET_KEY}
 */
public record ServerOptions(String host, int port, String stateStoreUrl, Path dataDir, String nodeName,
                            Optional<Path> secretKeyFile, int schedulerThreads, SyncScheduler.ClusterTimings timings) {
    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stateStoreUrl, "stateStoreUrl");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(secretKeyFile, "secretKeyFile");
        Objects.requireNonNull(timings, "timings");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not a TCP port");
        if (schedulerThreads < 1) throw new IllegalArgumentException("schedulerThreads must be at least 1");
    }

    /** The state store URL without its password, for logs. */
    public String shownStateStore() { return io.tidemark.store.StateStore.shownUrl(stateStoreUrl); }

    @Override
    public String toString() { return "ServerOptions[" + host + ":" + port + ", " + shownStateStore() + ", " + dataDir + ", " + nodeName + "]"; }
}
