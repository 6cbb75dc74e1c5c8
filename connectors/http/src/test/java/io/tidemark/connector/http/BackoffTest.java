package io.tidemark.connector.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    /** A generator that always draws its maximum, so the test sees each retry's ceiling. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() { return Long.MAX_VALUE; }

        @Override
        public long nextLong(long bound) { return bound - 1; }
    };

    @Test
    void theCeilingDoublesFromTwoHundredMillisecondsUpToThirtySeconds() {
        Backoff backoff = new Backoff(HIGHEST);
        assertThat(backoff.delay(0, Optional.empty())).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(1, Optional.empty())).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.delay(5, Optional.empty())).isEqualTo(Duration.ofMillis(6400));
        assertThat(backoff.delay(8, Optional.empty())).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(100, Optional.empty())).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void delaysAreDrawnBetweenZeroAndTheCeiling() {
        Backoff backoff = new Backoff(new SplittableRandom(7));
        for (int i = 0; i < 1000; i++) assertThat(backoff.delay(3, Optional.empty())).isBetween(Duration.ZERO, Duration.ofMillis(1600));
    }

    @Test
    void neverResendsBeforeRetryAfter() {
        Backoff backoff = new Backoff(new SplittableRandom(7));
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.delay(0, Optional.of(Duration.ofSeconds(3)))).isEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        assertThat(RetryAfter.parse(Optional.of("7"), now)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse(Optional.of("Sun, 01 Mar 2026 12:00:30 GMT"), now)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(Optional.of("Sun, 01 Mar 2026 11:00:00 GMT"), now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse(Optional.of("soon"), now)).isEmpty();
        assertThat(RetryAfter.parse(Optional.empty(), now)).isEmpty();
    }
}
