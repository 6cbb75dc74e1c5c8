package io.tidemark.engine;

import java.util.Locale;

/**
 * Named instants of a diff run between its two commits, where crash tests stop the engine process to kill it with
 * SIGKILL. Inert unless the JVM runs with {@code -Dtidemark.test.pause-at=<point>}; then the run announces the point
 * on stderr and waits there for the test to kill it.
 */
enum CrashPoint {
    /** Every change applied at the destination (uncommitted); the snapshot not yet saved. */
    APPLIED,
    /** The new snapshot saved; the destination not yet committed with the checkpoint naming it. */
    SNAPSHOT_COMMITTED;

    private static final String PROPERTY = "tidemark.test.pause-at";

    void reach() {
        if (!name().toLowerCase(Locale.ROOT).replace('_', '-').equals(System.getProperty(PROPERTY))) return;
        System.err.println("tidemark: paused at " + name());
        System.err.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
