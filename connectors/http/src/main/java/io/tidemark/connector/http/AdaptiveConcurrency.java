package io.tidemark.connector.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.function.DoubleSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the requests in flight by a limit that adapts to the server (AIMD, as TCP's congestion window):
 *
 * <ul>
 *   <li>The limit starts at {@value #INITIAL} (or the ceiling when lower) and never leaves {@code [1, ceiling]}.</li>
 *   <li>A request that completes while the limit was in use and signals no congestion grows it by {@code 1/limit}:
 *   about one more request in flight per round trip. After slow answers cut it, once answers are no longer slow (the
 *   baseline has taken in a lasting change) it grows back by one per answer, doubling each round trip, up to where it
 *   was before the cuts; a 429 or 503 forgets that level.</li>
 *   <li>A request {@linkplain Outcome#OVERLOADED refused for load} (429, 503, a timeout) halves it; a <em>slow</em>
 *   answer, taking more than twice the {@linkplain LatencyBaseline baseline}, cuts it by 10 %.</li>
 *   <li>At most one cut per round trip: requests that were already in flight when the limit was cut were sent under
 *   the old limit, so their signals are the same congestion and do not cut again.</li>
 *   <li>"In use" means the limit was full at some moment while the request was in flight (its own start included): a
 *   client that sends fewer requests than the limit allows learns nothing about a higher one.</li>
 *   <li>While requests are paced ({@link AdaptiveRate} has a finite rate), the limit never falls below what that pace
 *   needs at the latency the server shows now (Little's law: rate × smoothed latency, plus a quarter): the pace
 *   already bounds the load, so fewer requests in flight would only lose throughput. This is what lets a lasting
 *   latency change (the server got slower, not busier) be carried at once instead of being read as congestion.</li>
 * </ul>
 *
 * <p>Permits are handed out strictly in the order they were asked for: a releasing request passes its permit to the
 * longest waiter, so a newcomer never overtakes. Each call holds one lock for a few steps, which stays cheap at
 * thousands of requests a second; waiting works on virtual threads.
 */
final class AdaptiveConcurrency {
    static final int INITIAL = 4;
    static final double SLOW_CUT = 0.9;
    /** Headroom over rate × latency, for latency jitter. */
    static final double PACE_HEADROOM = 1.25;
    /** Weight of the newest answer in the smoothed latency: about the last ten answers count. */
    private static final double LATENCY_WEIGHT = 0.1;

    /** What a completed request says about the server's load. */
    enum Outcome {
        /** An answer that says nothing about load (2xx, 4xx other than 429): its latency is judged. */
        ANSWERED,
        /** The server is overloaded or limiting (429, 503, a timeout). */
        OVERLOADED,
        /** A failure that says nothing either way (500, a refused connection): neither grows nor cuts. */
        FAILED
    }

    /**
     * A request's right to be in flight; give it back with {@link #release} exactly once.
     *
     * @param sequence   the how-many-th permit this is
     * @param fullBefore how many times the limit had been full before this permit was handed out
     */
    record Permit(long sequence, long fullBefore) {}

    private final int ceiling;
    private final Clock clock;
    private final DoubleSupplier pacedRate;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final LatencyBaseline baseline = new LatencyBaseline();

    // Guarded by lock.
    private double limit;
    private int inFlight;
    private long handedOut;
    /** How many times handing out a permit filled the limit. */
    private long timesFull;
    /** The permits handed out when the limit was last cut: they belong to the round trip that was already cut. */
    private long handedOutAtCut;
    /** The limit before slow answers cut it, to grow back to quickly once they are the new normal; 0 when none. */
    private double recoverTo;
    /** Smoothed latency of answered requests, in seconds; 0 before the first. */
    private double smoothedLatency;

    /**
     * @param pacedRate the requests a second the pacer lets through now; infinite while it does not pace
     */
    AdaptiveConcurrency(int ceiling, Clock clock, DoubleSupplier pacedRate) {
        if (ceiling < 1) throw new IllegalArgumentException("ceiling must be >= 1: " + ceiling);
        this.ceiling = ceiling;
        this.clock = clock;
        this.pacedRate = pacedRate;
        this.limit = Math.min(INITIAL, ceiling);
    }

    /** Waits until a request may be sent; permits go to callers in the order they asked. */
    Permit acquire() throws InterruptedException {
        lock.lock();
        try {
            if (waiters.isEmpty() && inFlight < permits()) return handOut();
            Waiter waiter = new Waiter(lock.newCondition());
            waiters.addLast(waiter);
            try {
                while (waiter.permit == null) waiter.signal.await();
            } catch (InterruptedException e) {
                if (waiter.permit != null) {
                    inFlight--;
                    grant();
                } else {
                    waiters.remove(waiter);
                }
                throw e;
            }
            return waiter.permit;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives a permit back and adapts the limit to what the request found.
     *
     * @param latency how long the request took from sending to its answer (ignored unless {@link Outcome#ANSWERED})
     */
    void release(Permit permit, Outcome outcome, Duration latency) {
        lock.lock();
        try {
            boolean inUse = timesFull > permit.fullBefore();
            inFlight--;
            Instant now = clock.instant();
            switch (outcome) {
                case OVERLOADED -> {
                    recoverTo = 0; // the server said "too many": what was in flight is no limit to return to
                    cut(permit, limit / 2);
                }
                case ANSWERED -> {
                    double seconds = latency.toNanos() / 1e9;
                    smoothedLatency = smoothedLatency == 0 ? seconds : smoothedLatency + LATENCY_WEIGHT * (seconds - smoothedLatency);
                    if (baseline.isSlow(now, latency)) {
                        recoverTo = Math.max(recoverTo, limit);
                        cut(permit, limit * SLOW_CUT);
                    } else if (inUse) {
                        grow();
                    }
                    baseline.add(now, latency);
                }
                case FAILED -> { }
            }
            limit = Math.max(limit, paceNeeds());
            grant();
        } finally {
            lock.unlock();
        }
    }

    /** The current limit, rounded down: how many requests may be in flight now. */
    int limit() {
        lock.lock();
        try {
            return permits();
        } finally {
            lock.unlock();
        }
    }

    private int permits() { return (int) limit; }

    private void cut(Permit permit, double to) {
        if (permit.sequence() <= handedOutAtCut) return;
        limit = Math.max(1, to);
        handedOutAtCut = handedOut;
    }

    /**
     * About one more request in flight per round trip; while below the limit that slowness cut (and answers are no longer
     * slow: the baseline has taken in a lasting change) one more per answer, doubling each round trip back to it.
     */
    private void grow() {
        if (limit < recoverTo) {
            limit = Math.min(recoverTo, limit + 1);
        } else {
            recoverTo = 0;
            limit = Math.min(ceiling, limit + 1 / limit);
        }
    }

    /** The requests in flight the current pace needs at the smoothed latency, within the ceiling; 1 while unpaced. */
    private double paceNeeds() {
        double rate = pacedRate.getAsDouble();
        if (Double.isInfinite(rate) || smoothedLatency == 0) return 1;
        return Math.min(ceiling, Math.ceil(rate * smoothedLatency * PACE_HEADROOM));
    }

    private Permit handOut() {
        Permit permit = new Permit(++handedOut, timesFull);
        if (++inFlight >= permits()) timesFull++;
        return permit;
    }

    /** Hands free permits to the longest waiters. */
    private void grant() {
        while (!waiters.isEmpty() && inFlight < permits()) {
            Waiter next = waiters.removeFirst();
            next.permit = handOut();
            next.signal.signal();
        }
    }

    private static final class Waiter {
        final Condition signal;
        Permit permit;

        Waiter(Condition signal) { this.signal = signal; }
    }

    /**
     * The latency the server shows when it is not queueing: the lowest of the current and the previous window of
     * {@link #WINDOW}, so it reflects the last one to two seconds and a lasting change becomes the new normal quickly.
     * An answer is slow when it takes more than twice the baseline, and at least {@link #NOISE} more: below a few
     * milliseconds differences are scheduling noise, not a queue at the server.
     */
    static final class LatencyBaseline {
        static final Duration WINDOW = Duration.ofSeconds(1);
        static final Duration NOISE = Duration.ofMillis(5);

        private Instant windowStart;
        private Duration current;
        private Duration previous;

        boolean isSlow(Instant now, Duration latency) {
            Optional<Duration> base = baseline(now);
            return base.isPresent() && latency.compareTo(base.get().multipliedBy(2)) > 0
                    && latency.minus(base.get()).compareTo(NOISE) >= 0;
        }

        void add(Instant now, Duration latency) {
            roll(now);
            if (current == null || latency.compareTo(current) < 0) current = latency;
        }

        Optional<Duration> baseline(Instant now) {
            roll(now);
            if (current == null) return Optional.ofNullable(previous);
            if (previous == null) return Optional.of(current);
            return Optional.of(current.compareTo(previous) < 0 ? current : previous);
        }

        private void roll(Instant now) {
            if (windowStart == null) {
                windowStart = now;
                return;
            }
            Duration age = Duration.between(windowStart, now);
            if (age.compareTo(WINDOW) < 0) return;
            previous = age.compareTo(WINDOW.multipliedBy(2)) < 0 ? current : null;
            current = null;
            windowStart = now;
        }
    }
}
