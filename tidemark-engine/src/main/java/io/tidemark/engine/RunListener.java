package io.tidemark.engine;

import io.tidemark.store.RunRecord;

/** Observes a run; the CLI draws progress from it, the server will stream it. Called on the run's thread. */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    default void started(RunRecord run) {}

    /** At most every {@link SyncEngine#PROGRESS_INTERVAL}. */
    default void progress(Progress progress) {}

    default void finished(RunRecord run) {}
}
