package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One saved version of the server's workspace configuration. Versions count up from 1 and are never rewritten.
 *
 * @param document the configuration as the server saved it; it may hold encrypted secrets, so {@link #toString()}
 *                 leaves it out
 * @param actor    who saved it
 */
public record WorkspaceVersion(long version, String document, String actor, Instant savedAt) {
    public WorkspaceVersion {
        if (version < 1) throw new IllegalArgumentException("workspace versions count from 1, got " + version);
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(savedAt, "savedAt");
    }

    @Override
    public String toString() {
        return "WorkspaceVersion[version=" + version + ", actor=" + actor + ", savedAt=" + savedAt + "]";
    }
}
