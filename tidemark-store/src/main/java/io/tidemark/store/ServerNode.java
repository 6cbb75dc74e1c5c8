package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A server of the cluster: when it first sent a heartbeat under its name, and when it sent the last one. A node
 * whose last heartbeat is old is gone; how old is the server's call.
 */
public record ServerNode(String name, Instant startedAt, Instant lastSeen) {
    public ServerNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
