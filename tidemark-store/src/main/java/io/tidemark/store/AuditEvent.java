package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link AuditEntry} as the audit trail keeps it. Ids count up in the order the events were appended, so a
 * reader pages through the trail by the last id it saw ({@link AuditQuery#afterId()}).
 */
public record AuditEvent(long id, Instant at, String actor, String action, String target, Optional<String> beforeJson,
                         Optional<String> afterJson, Optional<String> detail) {
    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(beforeJson, "beforeJson");
        Objects.requireNonNull(afterJson, "afterJson");
        Objects.requireNonNull(detail, "detail");
    }
}
