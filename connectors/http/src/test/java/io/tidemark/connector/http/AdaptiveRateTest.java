package io.tidemark.connector.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The adaptive pace, driven by a hand-moved clock. */
class AdaptiveRateTest {
    private final MutableClock clock = new MutableClock();

    /** Answers {@code accepted} requests spread over one second. */
    private void acceptOverASecond(AdaptiveRate rate, int accepted) {
        for (int i = 0; i < accepted; i++) {
            clock.advance(Duration.ofSeconds(1).dividedBy(accepted));
            rate.onAnswer(false);
        }
    }

    @Test
    void letsEverythingThroughWithoutACeilingUntilTheServerSaysTooMany() {
        AdaptiveRate rate = new AdaptiveRate(0, clock);
        for (int i = 0; i < 1000; i++) assertThat(rate.reserve()).isZero();
        assertThat(rate.rate()).isInfinite();
    }

    @Test
    void spreadsRequestsEvenlyAtTheCeiling() {
        AdaptiveRate rate = new AdaptiveRate(10, clock);
        assertThat(rate.reserve()).isZero();
        assertThat(rate.reserve()).isEqualTo(Duration.ofMillis(100));
        assertThat(rate.reserve()).isEqualTo(Duration.ofMillis(200));
        clock.advance(Duration.ofSeconds(5));
        assertThat(rate.reserve()).as("an idle pacer saves no burst").isZero();
        assertThat(rate.reserve()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aTooManyRequestsDropsThePaceToWhatTheServerAcceptedInTheLastSecond() {
        AdaptiveRate rate = new AdaptiveRate(0, clock);
        rate.reserve();
        acceptOverASecond(rate, 40);
        rate.onAnswer(true);
        assertThat(rate.rate()).isCloseTo(40, within(1.0));
        assertThat(rate.reserve()).isZero();
        assertThat(rate.reserve()).isEqualTo(Duration.ofNanos((long) (1_000_000_000L / rate.rate())));
    }

    @Test
    void theFirstSecondIsMeasuredOverTheTimeSinceTheFirstRequest() {
        AdaptiveRate rate = new AdaptiveRate(0, clock);
        rate.reserve();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMillis(25));
            rate.onAnswer(false);
        }
        rate.onAnswer(true);
        assertThat(rate.rate()).as("10 accepted in a quarter second").isCloseTo(40, within(1.0));
    }

    @Test
    void aTooManyWhilePacedCutsByATenthOnceABurstAndDropsToWhatWasAcceptedWhenTheyOutnumberIt() {
        AdaptiveRate rate = new AdaptiveRate(100, clock);
        rate.reserve();
        acceptOverASecond(rate, 50);
        rate.onAnswer(true);
        assertThat(rate.rate()).as("one 429: a burst, most likely").isCloseTo(90, within(0.01));
        rate.onAnswer(true);
        assertThat(rate.rate()).as("the same burst's next 429 answers a request sent before the cut").isCloseTo(90, within(0.01));
        for (int i = 0; i < 60; i++) rate.onAnswer(true);
        assertThat(rate.rate()).as("more 429s than accepted answers: the server takes what it accepted")
                .isCloseTo(50, within(2.5)); // the last second's window holds 48 of the 50
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < AdaptiveRate.OVERWHELMED_AT; i++) rate.onAnswer(true);
        assertThat(rate.rate()).as("nothing accepted for a second").isEqualTo(AdaptiveRate.MIN_RATE);
    }

    @Test
    void aTooManyRequestsNeverRaisesThePace() {
        AdaptiveRate rate = new AdaptiveRate(10, clock);
        rate.reserve();
        acceptOverASecond(rate, 50);
        rate.onAnswer(true);
        assertThat(rate.rate()).isEqualTo(10);
    }

    @Test
    void probesUpwardsByFivePercentASecondWhileRequestsQueueUpToTheCeiling() {
        AdaptiveRate rate = new AdaptiveRate(30, clock);
        rate.reserve();
        acceptOverASecond(rate, 20);
        for (int i = 0; i < 25; i++) rate.onAnswer(true);
        assertThat(rate.rate()).isCloseTo(20, within(0.5));
        // Keep a queue behind the pace for five seconds: more requests than slots.
        for (int i = 0; i < 50; i++) {
            for (int k = 0; k < 4; k++) rate.reserve();
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(rate.rate()).isCloseTo(20 * Math.pow(1.05, 5), within(0.5));
        for (int i = 0; i < 400; i++) {
            for (int k = 0; k < 4; k++) rate.reserve();
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(rate.rate()).isEqualTo(30);
    }

    @Test
    void doesNotProbeWhileNothingWaitsForTheSlots() {
        AdaptiveRate rate = new AdaptiveRate(0, clock);
        rate.reserve();
        acceptOverASecond(rate, 20);
        rate.onAnswer(true);
        double dropped = rate.rate();
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(1));
            rate.reserve();
        }
        assertThat(rate.rate()).isEqualTo(dropped);
    }
}
