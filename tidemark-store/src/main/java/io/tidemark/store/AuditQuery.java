package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which audit events to read: those with an id above {@code afterId} (0 for the start of the trail) that match
 * every filter given, oldest first, at most {@code limit} (1 to {@link #MAX_LIMIT}).
 *
 * @param target only events about this target
 * @param actor  only events by this actor
 * @param since  only events at or after this time
 */
public record AuditQuery(Optional<String> target, Optional<String> actor, Optional<Instant> since, long afterId,
                         int limit) {
    /** The most events one query returns: page with {@code afterId} for more. */
    public static final int MAX_LIMIT = 10_000;

    public AuditQuery {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(since, "since");
        if (afterId < 0) throw new IllegalArgumentException("afterId must not be negative, got " + afterId);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }
}
