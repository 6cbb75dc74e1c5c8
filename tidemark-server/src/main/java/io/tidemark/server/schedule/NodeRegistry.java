package io.tidemark.server.schedule;

import io.tidemark.store.ServerNode;
import io.tidemark.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * This node's heartbeat in the state store and which nodes are alive, so a run left {@code running} by a killed
 * node is recognised as abandoned by whichever node runs the sync next. A node counts as dead after the same
 * silence shorter than db-scheduler waits before reviving its executions (by two heartbeats: this node's view of
 * the others is up to one heartbeat old), so the revived run finds the killed node's run abandoned.
 */
public final class NodeRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);
    private static final String PREFIX = "node:";

    private final StateStore store;
    private final Clock clock;
    private final String name;
    private final Duration deadAfter;
    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tidemark-node-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile Set<String> alive = Set.of();

    public NodeRegistry(StateStore store, Clock clock, String name, Duration interval, Duration revivedAfter) {
        this.store = store;
        this.clock = clock;
        // A restarted node is a new instance: the runs its previous life left running are recognised as abandoned.
        this.name = name + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
        this.deadAfter = revivedAfter.minus(interval.multipliedBy(2));
        if (deadAfter.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("missed heartbeats must be at least 4: a node must miss more than one heartbeat to count as dead");
        }
        beat();
        beat.scheduleWithFixedDelay(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node's instance name: its configured name and a per-start suffix. */
    public String instance() { return name; }

    /** How this node signs the runs it owns. */
    public String owner() { return PREFIX + name; }

    /**
     * Whether a run's owner may still be working: nodes by their heartbeat (as last read, every interval);
     * anything else (a CLI process on some machine) is assumed alive, as the engine does.
     */
    public boolean isAlive(String owner) {
        if (!owner.startsWith(PREFIX)) return io.tidemark.engine.Owner.isAlive(owner);
        return owner.equals(owner()) || alive.contains(owner.substring(PREFIX.length()));
    }

    private void beat() {
        try {
            store.heartbeat(name);
            var now = clock.instant();
            alive = store.nodes().stream().filter(n -> n.lastSeen().plus(deadAfter).isAfter(now)).map(ServerNode::name)
                    .collect(Collectors.toUnmodifiableSet());
        } catch (RuntimeException e) {
            log.warn("node {}: heartbeat not recorded: {}", name, e.getMessage());
        }
    }

    @Override
    public void close() { beat.shutdownNow(); }
}
