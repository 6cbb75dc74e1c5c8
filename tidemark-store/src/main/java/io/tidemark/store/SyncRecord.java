package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;

/** A sync as the state store knows it: a stable numeric id for a unique name, and whether it is paused. */
public record SyncRecord(long id, String name, boolean paused, Instant createdAt) {
    public SyncRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
