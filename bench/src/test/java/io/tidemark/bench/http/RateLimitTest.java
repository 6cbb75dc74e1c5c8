package io.tidemark.bench.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The token bucket of the benchmark's API server, on a clock the test moves. */
class RateLimitTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(42 * MS);
    private final RateLimit bucket = RateLimit.of(1000, 50, clock::get);

    private long admitted(int requests) {
        return IntStream.range(0, requests).filter(i -> bucket.tryAcquire()).count();
    }

    @Test
    void admitsTheBurstAtOnceAndRefusesTheNext() {
        assertThat(admitted(50)).isEqualTo(50);
        assertThat(bucket.tryAcquire()).isFalse();
    }

    @Test
    void refillsOneTokenPerIntervalOfTheRate() {
        admitted(50);
        clock.addAndGet(MS - 1);
        assertThat(bucket.tryAcquire()).isFalse();
        clock.addAndGet(1);
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
    }

    @Test
    void holdsNoMoreThanTheBurstAfterIdling() {
        clock.addAndGet(10_000 * MS);
        assertThat(admitted(80)).isEqualTo(50);
    }

    @Test
    void admitsTheRatePlusTheBurstOfEvenArrivalsAtTwiceTheRateOverASecond() {
        long admitted = 0;
        for (int i = 0; i < 2000; i++, clock.addAndGet(MS / 2)) {
            admitted += bucket.tryAcquire() ? 1 : 0;
        }
        // 50 tokens to start with, then one a millisecond: the first 99 arrivals (49.5 ms) pass, then every other one.
        assertThat(admitted).isEqualTo(1049);
    }

    @Test
    void keepsCountingWhereTheNanoClockWraps() {
        clock.set(Long.MAX_VALUE - 10 * MS);
        RateLimit wrapping = RateLimit.of(1000, 50, clock::get);
        IntStream.range(0, 50).forEach(i -> wrapping.tryAcquire());
        clock.addAndGet(20 * MS);   // past Long.MAX_VALUE
        assertThat(IntStream.range(0, 30).filter(i -> wrapping.tryAcquire()).count()).isEqualTo(20);
    }

    @Test
    void rateZeroAdmitsEverything() {
        RateLimit none = RateLimit.of(0, 1, clock::get);
        assertThat(IntStream.range(0, 10_000).allMatch(i -> none.tryAcquire())).isTrue();
    }
}
