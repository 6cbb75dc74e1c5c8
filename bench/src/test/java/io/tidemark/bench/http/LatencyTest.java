package io.tidemark.bench.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Response times of the benchmark's API server. */
class LatencyTest {
    private final Latency latency = new Latency(Duration.ofMillis(20), Duration.ofMillis(5), 3);

    @Test
    void drawsTheBasePlusOrMinusTheJitter() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            assertThat(latency.drawNanos(false, random)).isBetween(Duration.ofMillis(15).toNanos(), Duration.ofMillis(25).toNanos());
        }
    }

    @Test
    void aSlowedDownDrawIsTheSameDrawTimesTheFactor() {
        SplittableRandom normal = new SplittableRandom(7);
        SplittableRandom slowed = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            assertThat(latency.drawNanos(true, slowed)).isEqualTo(3 * latency.drawNanos(false, normal));
        }
    }
}
