package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a sync's append-only checkpoint history. Versions count up from 1 per sync. A null
 * {@code checkpoint} means "no checkpoint": the next run starts from scratch (after a resync or a data delete).
 * {@code runId} is null for versions written outside a run (resets).
 */
public record CheckpointVersion(long version, long syncId, Long runId, String checkpoint, String reason,
                                Instant createdAt) {
    public CheckpointVersion {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
