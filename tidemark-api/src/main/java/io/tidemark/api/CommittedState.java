package io.tidemark.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The checkpoint a destination committed together with the data it covers. The checkpoint is opaque text to the
 * destination (the engine's versioned JSON); the destination stores and returns it unchanged.
 */
public record CommittedState(String syncKey, long runId, String checkpoint, Instant committedAt) {
    public CommittedState {
        Objects.requireNonNull(syncKey, "syncKey");
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(committedAt, "committedAt");
    }
}
