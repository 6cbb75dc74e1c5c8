package io.tidemark.engine.mapping;

import java.util.Optional;

/**
 * A transform of {@code field_mapping} cannot apply to a row's value: an unreadable timestamp, a value missing from a
 * {@code map} with {@code unmapped: reject}. Not a failure of the run: the row is rejected with this message as its
 * reason and retried on the next run. Checked, so that every place that shapes rows decides what a bad row means there.
 * Carries no stack trace: it is an expected outcome per row, and a run may meet many.
 */
public final class TransformException extends Exception {
    private final String reason;

    /** @param reason what is wrong with the value, e.g. {@code cannot read "Invalid date" as a timestamp} */
    TransformException(String reason) {
        this(reason, reason);
    }

    private TransformException(String message, String reason) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** What is wrong with the value, without the field. */
    public String reason() { return reason; }

    /**
     * This failure placed in the destination field it was making, and the model column it read:
     * {@code field "timestamp": cannot read "Invalid date" as a timestamp (column time)}.
     */
    TransformException located(String field, Optional<String> column) {
        return new TransformException("field \"" + field + "\": " + reason + column.map(c -> " (column " + c + ")").orElse(""), reason);
    }
}
