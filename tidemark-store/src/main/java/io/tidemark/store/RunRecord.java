package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One run of a sync. {@code durationMs} is null until the run finished (and stays null for a run whose engine
 * stopped before it finished: nobody knows when it really ended). The checkpoints are the engine's opaque JSON.
 */
public record RunRecord(long id, long syncId, String syncName, RunStatus status, String trigger, String owner,
                        Instant startedAt, Long durationMs, RunCounts counts, String errorCode, String errorMessage,
                        String checkpointBefore, String checkpointAfter) {
    public RunRecord {
        Objects.requireNonNull(syncName, "syncName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(counts, "counts");
    }

    /** True once the run reached a final status. */
    public boolean finished() {
        return status.finished();
    }
}
