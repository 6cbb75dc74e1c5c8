package io.tidemark.api;

/**
 * Stable error codes. The {@link #code()} string never changes once published: scripts match on it.
 * Each maps to an HTTP status and a CLI exit code (0 ok, 1 run failed, 2 bad input or config, 3 environment).
 */
public enum ErrorCode {
    CONFIG_INVALID("config_invalid", ErrorCategory.CONFIG, 400, 2),
    NOT_FOUND("not_found", ErrorCategory.CONFIG, 404, 2),
    TABLE_NOT_FOUND("table_not_found", ErrorCategory.CONFIG, 404, 2),
    COLUMN_NOT_FOUND("column_not_found", ErrorCategory.CONFIG, 400, 2),
    CURSOR_TYPE_MISMATCH("cursor_type_mismatch", ErrorCategory.CONFIG, 400, 2),
    INCOMPATIBLE_DESTINATION("incompatible_destination", ErrorCategory.CONFIG, 409, 2),
    UNSUPPORTED("unsupported", ErrorCategory.CONFIG, 400, 2),
    SYNC_PAUSED("sync_paused", ErrorCategory.CONFIG, 409, 2),
    SYNC_RUNNING("sync_running", ErrorCategory.CONFIG, 409, 2),
    AUTHENTICATION_FAILED("authentication_failed", ErrorCategory.CONFIG, 401, 3),
    PERMISSION_DENIED("permission_denied", ErrorCategory.CONFIG, 403, 3),
    CONNECTION_FAILED("connection_failed", ErrorCategory.TRANSIENT, 503, 3),
    DISK_FULL("disk_full", ErrorCategory.TRANSIENT, 507, 3),
    IO_ERROR("io_error", ErrorCategory.TRANSIENT, 503, 3),
    SOURCE_DATA_INVALID("source_data_invalid", ErrorCategory.SOURCE_DATA, 422, 1),
    DESTINATION_REJECTED("destination_rejected", ErrorCategory.DESTINATION_REJECTED, 422, 1),
    CANCELLED("cancelled", ErrorCategory.TRANSIENT, 409, 1),
    /** A change capture's log position is gone at the source (slot dropped, invalidated, lost in a failover). */
    CAPTURE_LOST("capture_lost", ErrorCategory.CONFIG, 409, 1),
    /** A change capture fell further behind the source's log than its configured limit allows. */
    CAPTURE_LAG_EXCEEDED("capture_lag_exceeded", ErrorCategory.TRANSIENT, 507, 1),
    /** The source's table no longer has the columns or types the sync was built from. */
    SCHEMA_CHANGED("schema_changed", ErrorCategory.CONFIG, 409, 1),
    /** A settings change that would leave the destination's data or checkpoint unmatched, asked without a resync. */
    DESTRUCTIVE_CHANGE("destructive_change", ErrorCategory.CONFIG, 409, 2),
    /** The target changed under the request (a newer configuration version, a name in use); re-read and retry. */
    CONFLICT("conflict", ErrorCategory.CONFIG, 409, 2),
    /** The key that encrypts connection secrets at rest is missing or cannot decrypt them. */
    SECRET_KEY_INVALID("secret_key_invalid", ErrorCategory.CONFIG, 503, 3),
    INTERNAL("internal", ErrorCategory.INTERNAL, 500, 1);

    private final String code;
    private final ErrorCategory category;
    private final int httpStatus;
    private final int exitCode;

    ErrorCode(String code, ErrorCategory category, int httpStatus, int exitCode) {
        this.code = code;
        this.category = category;
        this.httpStatus = httpStatus;
        this.exitCode = exitCode;
    }

    public String code() { return code; }
    public ErrorCategory category() { return category; }
    public int httpStatus() { return httpStatus; }
    public int exitCode() { return exitCode; }
    public boolean retryable() { return category == ErrorCategory.TRANSIENT; }

    /** The code with this stable string, e.g. as recorded on a run. */
    public static java.util.Optional<ErrorCode> fromCode(String code) {
        for (ErrorCode c : values()) if (c.code.equals(code)) return java.util.Optional.of(c);
        return java.util.Optional.empty();
    }
}
