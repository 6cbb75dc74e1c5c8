package io.tidemark.server.run;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.Progress;
import io.tidemark.engine.RunControl;
import io.tidemark.engine.RunListener;
import io.tidemark.engine.SyncEngine;
import io.tidemark.server.workspace.WorkspaceService;
import io.tidemark.store.RunRecord;
import io.tidemark.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs syncs on this node: started by the API (returns once the run is recorded, the run goes on in the
 * background) or by the scheduler (blocks until the run ends). Watches the state store for cancel requests, so a
 * cancel sent to any node reaches the node running the run within about a second.
 */
public final class RunService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunService.class);
    /** How long an API call waits for a run to be recorded (opening both connections comes first). */
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final Duration CANCEL_POLL = Duration.ofSeconds(1);

    /** What a run does: the operations of PRODUCT.md that start a run. */
    public enum Kind { RUN, RESYNC, RESET_TRACKING, RECOVER }

    /** A run as an API call sees it: the one it started, or the one already running. */
    public record Started(RunRecord run, boolean alreadyRunning) {}

    /** A run in progress on this node; {@code progress} is the engine's latest report (every half second). */
    private record Active(RunRecord run, RunControl control, AtomicReference<Progress> progress) {}

    private final WorkspaceService workspaces;
    private final StateStore store;
    private final ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tidemark-cancel-watcher");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, Active> active = new ConcurrentHashMap<>();
    private final List<Consumer<RunRecord>> finishedListeners = new CopyOnWriteArrayList<>();

    public RunService(WorkspaceService workspaces, StateStore store) {
        this.workspaces = workspaces;
        this.store = store;
        watcher.scheduleWithFixedDelay(this::applyCancelRequests, CANCEL_POLL.toMillis(), CANCEL_POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Called on the run's thread when a run on this node finished (metrics, notifications, {@code after:} syncs). */
    public void onFinished(Consumer<RunRecord> listener) { finishedListeners.add(listener); }

    /**
     * Starts a run in the background and returns it once recorded; if the sync is already running (on any node)
     * returns that run instead.
     *
     * @throws TidemarkException when the run cannot start (no such sync, paused, …)
     */
    public Started start(String sync, Kind kind, String trigger) {
        CompletableFuture<RunRecord> recorded = new CompletableFuture<>();
        RunControl control = RunControl.once();
        SyncEngine engine = workspaces.current().engine();
        runs.submit(() -> {
            try {
                RunRecord finished = execute(engine, sync, kind, trigger, control, recorded::complete);
                recorded.complete(finished);
            } catch (Throwable e) {
                recorded.completeExceptionally(e);
            }
        });
        try {
            return new Started(recorded.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS), false);
        } catch (ExecutionException e) {
            return alreadyRunning(sync, e.getCause()).orElseThrow(() -> asRuntime(e.getCause()));
        } catch (TimeoutException e) {
            throw new TidemarkException(ErrorCode.CONNECTION_FAILED, "sync \"" + sync + "\": the run has not started after "
                    + START_WAIT.toSeconds() + " s (its connections are slow to open); it goes on: see GET /api/v1/runs?sync=" + sync);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TidemarkException(ErrorCode.CANCELLED, "interrupted while starting sync \"" + sync + "\"");
        }
    }

    /**
     * Runs on the calling thread until the run ends (the scheduler's threads: their heartbeats tell other nodes
     * this node is working on it). A sync already running is not run twice: its running run is returned.
     */
    public RunRecord runAndWait(String sync, Kind kind, String trigger) {
        try {
            return execute(workspaces.current().engine(), sync, kind, trigger, RunControl.once(), run -> { });
        } catch (TidemarkException e) {
            return alreadyRunning(sync, e).map(Started::run).orElseThrow(() -> e);
        }
    }

    /**
     * Asks the sync's running run to stop (whichever node runs it): it ends at its next safe point, the checkpoint
     * stays at the last commit.
     *
     * @param onlyRun when present, stop the running run only if it is this one (a page showing a run must not stop
     *                the sync's next run)
     * @return the run asked to stop, empty if the sync was not running (or not running {@code onlyRun})
     */
    public Optional<RunRecord> cancel(String sync, Optional<Long> onlyRun) {
        Optional<RunRecord> running = runningRun(sync).filter(run -> onlyRun.map(id -> id == run.id()).orElse(true));
        running.ifPresent(run -> {
            if (store.requestCancel(run.id())) {
                Active local = active.get(run.id());
                if (local != null) local.control().cancel();
            }
        });
        return running;
    }

    public Optional<RunRecord> runningRun(String sync) {
        return store.runningRuns().stream().filter(r -> r.syncName().equals(sync)).findFirst();
    }

    /** Runs in progress on this node. */
    public int activeRuns() { return active.size(); }

    /**
     * The latest progress of a run in progress on this node (fresher than the counts the engine saves every two
     * seconds, and with the source's row estimate); empty for runs on other nodes or that have ended.
     */
    public Optional<Progress> progress(long runId) {
        return Optional.ofNullable(active.get(runId)).map(a -> a.progress().get());
    }

    private RunRecord execute(SyncEngine engine, String sync, Kind kind, String trigger, RunControl control, Consumer<RunRecord> recorded) {
        AtomicReference<Progress> progress = new AtomicReference<>();
        RunListener listener = new RunListener() {
            @Override
            public void started(RunRecord run) {
                active.put(run.id(), new Active(run, control, progress));
                recorded.accept(run);
            }

            @Override
            public void progress(Progress latest) { progress.set(latest); }

            @Override
            public void finished(RunRecord run) {
                active.remove(run.id());
                for (Consumer<RunRecord> each : finishedListeners) {
                    try {
                        each.accept(run);
                    } catch (RuntimeException e) {
                        log.warn("sync {}: run {} finished; a listener failed: {}", run.syncName(), run.id(), e.toString());
                    }
                }
            }
        };
        return switch (kind) {
            case RUN -> engine.run(sync, trigger, listener, control);
            case RESYNC -> engine.resync(sync, listener, control);
            case RESET_TRACKING -> engine.resetTracking(sync, listener, control);
            case RECOVER -> engine.recover(sync, trigger, listener, control);
        };
    }

    private Optional<Started> alreadyRunning(String sync, Throwable failure) {
        if (!(failure instanceof TidemarkException t) || t.errorCode() != ErrorCode.SYNC_RUNNING) return Optional.empty();
        return runningRun(sync).map(run -> new Started(run, true));
    }

    private void applyCancelRequests() {
        try {
            for (Active run : active.values()) {
                if (!run.control().cancelled() && store.cancelRequested(run.run().id())) {
                    log.info("sync {}: run {} cancelled by request", run.run().syncName(), run.run().id());
                    run.control().cancel();
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not read cancel requests from the state store: {}", e.getMessage());
        }
    }

    private static RuntimeException asRuntime(Throwable e) {
        return e instanceof RuntimeException r ? r : new TidemarkException(ErrorCode.INTERNAL, e.toString(), e);
    }

    /** Asks runs in progress to stop at their next safe point and waits up to {@code grace} for them. */
    public void stop(Duration grace) {
        active.values().forEach(a -> a.control().cancel());
        watcher.shutdownNow();
        runs.shutdown();
        try {
            if (!runs.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} runs still going after {} s; their next start takes them over", active.size(), grace.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() { stop(Duration.ofSeconds(30)); }
}
