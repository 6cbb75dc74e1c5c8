package io.tidemark.api;

import java.util.List;

/**
 * A row the destination did not apply: its record-matching key values and the destination's reason.
 *
 * @param refused true when the destination refused the row (a validation error, say): the engine records it as a
 *                rejection and sends it again next run, whatever the operation. False for a record the operation
 *                cannot apply by its definition ({@link ChangeOp#INSERT} of a key the target holds, {@link ChangeOp#UPDATE}
 *                of one it does not), which the engine judges by the operation.
 */
public record RejectedRow(List<Object> key, String reason, boolean refused) {
    public RejectedRow {
        key = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(key));
    }

    /** A record the operation cannot apply by its definition (see {@link StreamWriter#apply}). */
    public RejectedRow(List<Object> key, String reason) { this(key, reason, false); }

    /** A record the destination refused; retried next run. */
    public static RejectedRow refused(List<Object> key, String reason) { return new RejectedRow(key, reason, true); }
}
