package io.tidemark.engine;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

/**
 * How long a run goes on and how a caller ends it early. A plain run applies what is available and ends; a
 * following run ({@code tidemark run --follow}) keeps applying until {@link #requestStop()} (SIGTERM), then commits
 * what it applied and ends. Any run can be {@link #cancel() cancelled}. Thread-safe: stop and cancel requests come
 * from other threads.
 */
public final class RunControl {
    /** The message a cancelled run records (error code {@code cancelled}). */
    public static final String CANCELLED_MESSAGE = "cancelled by request";

    private final boolean follow;
    private volatile boolean stopRequested;
    private volatile boolean cancelled;

    private RunControl(boolean follow) { this.follow = follow; }

    /** Apply what is available now, then end. */
    public static RunControl once() { return new RunControl(false); }

    /** Keep applying changes as they arrive until stopped. */
    public static RunControl following() { return new RunControl(true); }

    public boolean follows() { return follow; }

    /** Ends a following run at its next safe point: what is applied is committed, nothing half-applied stays. */
    public void requestStop() { stopRequested = true; }

    /** Whether the run should end at its next safe point: a stop or a cancel was requested. */
    public boolean stopRequested() { return stopRequested || cancelled; }

    /**
     * Cancels the run (or, before it starts, the run it will control): it stops at its next safe point and ends with
     * status {@code cancelled}. Batch runs (full_refresh, incremental, append, diff) stop between batches and commit
     * nothing: the destination rolls back, the checkpoint and a diff's snapshot stay as they were. A cdc run stops at
     * the next source transaction boundary after committing what it applied, so its checkpoint moves up to there
     * (while it loads a new capture's snapshot it stops between batches and commits nothing, like a batch run).
     * Idempotent.
     */
    public void cancel() { cancelled = true; }

    public boolean cancelled() { return cancelled; }

    /** A safe point of a run: throws {@link ErrorCode#CANCELLED} once the run is cancelled. */
    void throwIfCancelled() {
        if (cancelled) throw new TidemarkException(ErrorCode.CANCELLED, CANCELLED_MESSAGE);
    }
}
