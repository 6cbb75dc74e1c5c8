package io.tidemark.bench.http;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The response time of an accepted batch: {@code base} ± up to {@code jitter} (uniform), multiplied by
 * {@code slowdownFactor} once the server slowed down — the whole draw, so the jitter grows with it.
 */
public record Latency(Duration base, Duration jitter, int slowdownFactor) {

    /** One response time in nanoseconds, drawn from {@code random}. */
    long drawNanos(boolean slowedDown, RandomGenerator random) {
        long spread = jitter.toNanos();
        long nanos = base.toNanos() + (spread == 0 ? 0 : random.nextLong(-spread, spread + 1));
        return slowedDown ? nanos * slowdownFactor : nanos;
    }
}
