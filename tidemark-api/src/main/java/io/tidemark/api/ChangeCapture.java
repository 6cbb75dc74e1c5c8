package io.tidemark.api;

import java.util.Optional;

/**
 * Log-based change capture of one table ({@link Capability#CDC}), from {@link Source#capture}. Holds no connection
 * between calls.
 */
public interface ChangeCapture {
    /**
     * Every prerequisite of capturing this table, each problem with its fix (Postgres: {@code wal_level}, the
     * replication privilege, free slots and senders, the publication, the table's replica identity).
     */
    CheckReport check();

    /** The capture's state at the source, or empty when the source keeps nothing for it (never started, dropped). */
    Optional<CaptureStatus> status();

    /**
     * Opens the change log. Without {@code resumeFrom} the capture is created afresh (anything left of an earlier one
     * is dropped first) and the stream offers a {@link ChangeStream#snapshot}; with it, the capture must exist and
     * still be able to serve that position.
     *
     * @throws TidemarkException {@link ErrorCode#CAPTURE_LOST} when resuming a capture the source no longer has or
     *                           can no longer serve, saying what happened
     */
    ChangeStream open(Optional<LogPosition> resumeFrom);

    /** Removes what the source keeps for the capture (slot, publication); nothing when there is none. */
    void drop();
}
