package io.tidemark.store;

import java.util.Objects;
import java.util.Set;

/**
 * A record the destination rejected during a run, kept so a user can see which ones and why.
 *
 * @param change what the run tried to do with it: {@code added}, {@code changed} or {@code removed}
 * @param key    the engine's text rendering of the record's key
 * @param reason the destination's message
 */
public record RejectedRecord(String change, String key, String reason) {
    private static final Set<String> CHANGES = Set.of("added", "changed", "removed");

    public RejectedRecord {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(reason, "reason");
        if (!CHANGES.contains(change)) {
            throw new IllegalArgumentException("a rejected record's change is added, changed or removed, not \""
                    + change + "\"");
        }
    }
}
