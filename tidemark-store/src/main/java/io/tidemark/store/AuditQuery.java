package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which audit events to read: those with an id above {@code afterId} (0 for the start of the trail) that match
 * every filter given, oldest first (or newest first), at most {@code limit} (1 to {@link #MAX_LIMIT}).
 *
 * @param target      only events about this target
 * @param actor       only events by this actor
 * @param since       only events at or after this time
 * @param newestFirst the latest events first: a screen shows the latest {@code limit} events, an export pages
 *                    oldest first with {@code afterId}
 */
public record AuditQuery(Optional<String> target, Optional<String> actor, Optional<Instant> since, long afterId,
                         int limit, boolean newestFirst) {
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

    /** Oldest first, for paging through the whole trail. */
    public AuditQuery(Optional<String> target, Optional<String> actor, Optional<Instant> since, long afterId, int limit) {
        this(target, actor, since, afterId, limit, false);
    }
}
