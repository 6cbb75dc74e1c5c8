package io.tidemark.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a writer's {@code apply} calls on up to {@link io.tidemark.api.StreamWriter#maxConcurrentApplies()} virtual
 * threads, so a destination that answers over a network has requests in flight while the next batch is prepared.
 * With one lane the call runs inline, as before. The producer blocks while every lane is busy, which bounds the rows
 * held in memory. The first failure of a lane is rethrown to the producer at its next {@link #submit} or
 * {@link #drain}; lanes already running finish first.
 */
final class ApplyLanes implements AutoCloseable {
    private final int lanes;
    private final Semaphore free;
    private final ExecutorService executor;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    ApplyLanes(int lanes) {
        if (lanes < 1) throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
        this.lanes = lanes;
        this.free = new Semaphore(lanes);
        this.executor = lanes == 1 ? null : Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("apply-", 0).factory());
    }

    /** Runs {@code apply} on a free lane (inline with one lane); blocks while all lanes are busy. */
    void submit(Runnable apply) {
        rethrowFailure();
        if (executor == null) {
            apply.run();
            return;
        }
        free.acquireUninterruptibly();
        if (failure.get() != null) {
            // A lane failed while this one waited: send nothing more.
            free.release();
            rethrowFailure();
        }
        try {
            executor.execute(() -> {
                try {
                    apply.run();
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    free.release();
                }
            });
        } catch (RuntimeException e) {
            free.release();
            throw e;
        }
    }

    /** Waits until every submitted apply has finished; rethrows the first failure. */
    void drain() {
        awaitIdle();
        rethrowFailure();
    }

    private void awaitIdle() {
        free.acquireUninterruptibly(lanes);
        free.release(lanes);
    }

    private void rethrowFailure() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
    }

    /** Waits for the lanes (their failures are left to {@link #drain}), then stops the threads. */
    @Override
    public void close() {
        if (executor == null) return;
        awaitIdle();
        executor.close();
    }
}
