package io.tidemark.engine;

/**
 * How long a run goes on and how a caller ends it early. A plain run applies what is available and ends; a
 * following run ({@code tidemark run --follow}) keeps applying until {@link #requestStop()} (SIGTERM, cancel), then
 * commits what it applied and ends. Thread-safe: the stop request comes from another thread.
 */
public final class RunControl {
    private final boolean follow;
    private volatile boolean stopRequested;

    private RunControl(boolean follow) { this.follow = follow; }

    /** Apply what is available now, then end. */
    public static RunControl once() { return new RunControl(false); }

    /** Keep applying changes as they arrive until stopped. */
    public static RunControl following() { return new RunControl(true); }

    public boolean follows() { return follow; }

    /** Ends the run at its next safe point: what is applied is committed, nothing half-applied stays. */
    public void requestStop() { stopRequested = true; }

    public boolean stopRequested() { return stopRequested; }
}
