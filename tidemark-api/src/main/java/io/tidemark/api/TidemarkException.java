package io.tidemark.api;

import java.util.Objects;

/**
 * The one exception type that crosses module boundaries. Its message is written for the user: what happened,
 * to what, and what to do ({@code sync "orders": cursor column "updated_at" not found in public.orders
 * (columns: id, total); set cursor_field}). It never contains a secret.
 */
public class TidemarkException extends RuntimeException {
    private final ErrorCode errorCode;

    public TidemarkException(ErrorCode errorCode, String userMessage) {
        this(errorCode, userMessage, null);
    }

    public TidemarkException(ErrorCode errorCode, String userMessage, Throwable cause) {
        super(userMessage, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public ErrorCode errorCode() { return errorCode; }

    /** A copy of this error whose message is prefixed with context, e.g. {@code sync "orders": }. */
    public TidemarkException withContext(String prefix) {
        TidemarkException copy = new TidemarkException(errorCode, prefix + getMessage(), getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
