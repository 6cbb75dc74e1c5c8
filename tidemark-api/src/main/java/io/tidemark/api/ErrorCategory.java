package io.tidemark.api;

/** What kind of failure an error is; the engine decides retries from it, never from exception types. */
public enum ErrorCategory {
    /** The user's configuration or request is wrong; retrying without a change cannot help. */
    CONFIG,
    /** The environment failed (network, database down, disk full); a retry may succeed. */
    TRANSIENT,
    /** The source returned data Tidemark cannot carry (bad value for the declared type). */
    SOURCE_DATA,
    /** The destination refused data. */
    DESTINATION_REJECTED,
    /** A bug in Tidemark. */
    INTERNAL
}
