package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a sync. {@code durationMs} is null until the run finished (and stays null for a run whose engine
 * stopped before it finished: nobody knows when it really ended). The checkpoints are the engine's opaque JSON.
 * {@code captureLag} is empty until the engine records it, which it does for cdc syncs only.
 */
public record RunRecord(long id, long syncId, String syncName, RunStatus status, String trigger, String owner,
                        Instant startedAt, Long durationMs, RunCounts counts, String errorCode, String errorMessage,
                        String checkpointBefore, String checkpointAfter, Optional<CaptureLag> captureLag) {
    public RunRecord {
        Objects.requireNonNull(syncName, "syncName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(captureLag, "captureLag");
    }

    /** True once the run reached a final status. */
    public boolean finished() {
        return status.finished();
    }
}
