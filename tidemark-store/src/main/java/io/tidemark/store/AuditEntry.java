package io.tidemark.store;

import java.util.Objects;
import java.util.Optional;

/**
 * What a caller appends to the audit trail; the store adds the id and the time ({@link AuditEvent}).
 *
 * @param actor      who did it
 * @param action     what was done
 * @param target     what it was done to; {@link AuditQuery#target()} matches it exactly
 * @param beforeJson the target's state before, as JSON, for changes
 * @param afterJson  the target's state after, as JSON, for changes
 * @param detail     anything else worth keeping, in words
 */
public record AuditEntry(String actor, String action, String target, Optional<String> beforeJson,
                         Optional<String> afterJson, Optional<String> detail) {
    public AuditEntry {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(beforeJson, "beforeJson");
        Objects.requireNonNull(afterJson, "afterJson");
        Objects.requireNonNull(detail, "detail");
    }
}
