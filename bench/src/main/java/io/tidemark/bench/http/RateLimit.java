package io.tidemark.bench.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Admits a request or refuses it for being beyond the server's rate. Thread-safe. */
@FunctionalInterface
interface RateLimit {
    RateLimit NONE = () -> true;

    /** Whether a request arriving now may go on; false means "answer 429". */
    boolean tryAcquire();

    /** A token bucket of {@code burst} tokens refilled at {@code ratePerSecond}, starting full; {@link #NONE} for rate 0. */
    static RateLimit of(int ratePerSecond, int burst, LongSupplier nanoClock) {
        return ratePerSecond == 0 ? NONE : new TokenBucket(ratePerSecond, burst, nanoClock);
    }

    /**
     * The token bucket as the generic cell rate algorithm: the bucket's level is one "theoretical arrival time" (when
     * the bucket would be full again, less one interval), so taking a token is one compare-and-set and allocates nothing.
     * A request at {@code now} is admitted when that time is at most {@code burst - 1} intervals ahead of {@code now}.
     */
    final class TokenBucket implements RateLimit {
        private final long intervalNanos;
        private final long toleranceNanos;
        private final LongSupplier nanoClock;
        private final AtomicLong theoreticalArrival;

        TokenBucket(int ratePerSecond, int burst, LongSupplier nanoClock) {
            if (ratePerSecond < 1 || burst < 1) {
                throw new IllegalArgumentException("a token bucket needs a rate and a burst of at least 1, not " + ratePerSecond + " and " + burst);
            }
            this.intervalNanos = Math.round(1e9 / ratePerSecond);
            this.toleranceNanos = (burst - 1) * intervalNanos;
            this.nanoClock = nanoClock;
            this.theoreticalArrival = new AtomicLong(nanoClock.getAsLong());
        }

        @Override
        public boolean tryAcquire() {
            long now = nanoClock.getAsLong();
            while (true) {
                long arrival = theoreticalArrival.get();
                // Differences, not comparisons: System.nanoTime may be any long, and wraps.
                long start = arrival - now > 0 ? arrival : now;
                if (start - now > toleranceNanos) {
                    return false;
                }
                if (theoreticalArrival.compareAndSet(arrival, start + intervalNanos)) {
                    return true;
                }
            }
        }
    }
}
