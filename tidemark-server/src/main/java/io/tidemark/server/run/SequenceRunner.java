package io.tidemark.server.run;

import io.tidemark.engine.config.SequenceConfig;
import io.tidemark.server.workspace.WorkspaceService;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.SequenceRun;
import io.tidemark.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Runs a sequence: its syncs in order, each only after the previous one succeeded (rows rejected count as
 * succeeded: the data committed). The first failure stops the sequence, which is recorded as failed naming the
 * sync and its error.
 */
public final class SequenceRunner {
    private static final Logger log = LoggerFactory.getLogger(SequenceRunner.class);

    private final WorkspaceService workspaces;
    private final RunService runs;
    private final StateStore store;
    private final List<Consumer<SequenceRun>> finishedListeners = new CopyOnWriteArrayList<>();

    public SequenceRunner(WorkspaceService workspaces, RunService runs, StateStore store) {
        this.workspaces = workspaces;
        this.runs = runs;
        this.store = store;
    }

    public void onFinished(Consumer<SequenceRun> listener) { finishedListeners.add(listener); }

    /** Runs the sequence on the calling thread; a sequence no longer configured does nothing. */
    public void run(String name, String trigger) {
        workspaces.refresh();
        SequenceConfig sequence = workspaces.current().config().sequences().get(name);
        if (sequence == null) {
            log.info("sequence {}: no longer configured, not run", name);
            return;
        }
        SequenceRun started = store.startSequenceRun(name, trigger);
        SequenceRun finished = null;
        String currentSync = null;
        try {
            for (String sync : sequence.syncs()) {
                currentSync = sync;
                RunRecord run = runs.runAndWait(sync, RunService.Kind.RUN, "sequence " + name + " #" + started.id());
                if (!run.status().succeeded()) {
                    String why = "run " + run.id() + " " + run.status().configName()
                            + (run.errorMessage() == null ? "" : ": " + run.errorMessage());
                    finished = store.finishSequenceRun(started.id(), RunStatus.FAILED, sync, why);
                    log.warn("sequence {}: stopped at sync {}: {}", name, sync, why);
                    return;
                }
            }
            finished = store.finishSequenceRun(started.id(), RunStatus.SUCCEEDED, null, null);
        } catch (RuntimeException e) {
            // Reported, not rethrown: a failed sequence waits for its next time, it is not retried from the start.
            finished = store.finishSequenceRun(started.id(), RunStatus.FAILED, currentSync, e.getMessage());
            log.warn("sequence {}: stopped at sync {}: {}", name, currentSync, e.getMessage());
        } finally {
            if (finished != null) {
                SequenceRun done = finished;
                finishedListeners.forEach(l -> l.accept(done));
            }
        }
    }
}
