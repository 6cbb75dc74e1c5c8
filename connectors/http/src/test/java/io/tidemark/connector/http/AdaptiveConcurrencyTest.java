package io.tidemark.connector.http;

import io.tidemark.connector.http.AdaptiveConcurrency.Outcome;
import io.tidemark.connector.http.AdaptiveConcurrency.Permit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The AIMD limit on requests in flight, driven by a hand-moved clock. */
class AdaptiveConcurrencyTest {
    private static final Duration FAST = Duration.ofMillis(20);
    private static final java.util.function.DoubleSupplier UNPACED = () -> Double.POSITIVE_INFINITY;

    private final MutableClock clock = new MutableClock();

    /** Sends one round trip: as many requests as the limit allows, all answered with {@code outcome} after {@code latency}. */
    private void roundTrip(AdaptiveConcurrency limiter, Outcome outcome, Duration latency) throws InterruptedException {
        List<Permit> permits = new ArrayList<>();
        for (int i = limiter.limit(); i > 0; i--) permits.add(limiter.acquire());
        clock.advance(latency);
        for (Permit p : permits) limiter.release(p, outcome, latency);
    }

    @Test
    void startsAtFourAndGrowsByAboutOneEachSaturatedRoundTrip() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        assertThat(limiter.limit()).isEqualTo(4);
        for (int i = 0; i < 10; i++) roundTrip(limiter, Outcome.ANSWERED, FAST);
        assertThat(limiter.limit()).isBetween(12, 14);
    }

    @Test
    void doesNotGrowWhileTheLimitIsNotInUse() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        for (int i = 0; i < 50; i++) {
            Permit only = limiter.acquire();
            clock.advance(FAST);
            limiter.release(only, Outcome.ANSWERED, FAST);
        }
        assertThat(limiter.limit()).isEqualTo(4);
    }

    @Test
    void neverGrowsPastTheCeiling() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(6, clock, UNPACED);
        for (int i = 0; i < 40; i++) roundTrip(limiter, Outcome.ANSWERED, FAST);
        assertThat(limiter.limit()).isEqualTo(6);
        assertThat(new AdaptiveConcurrency(2, clock, UNPACED).limit()).as("a ceiling below 4 is the start").isEqualTo(2);
    }

    @Test
    void overloadHalvesTheLimitOncePerRoundTrip() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        for (int i = 0; i < 12; i++) roundTrip(limiter, Outcome.ANSWERED, FAST);
        int before = limiter.limit();
        // Every request of the round trip is refused with a 429: the same congestion, so one cut.
        roundTrip(limiter, Outcome.OVERLOADED, FAST);
        int halved = limiter.limit();
        assertThat(halved).isBetween(before / 2, (before + 1) / 2);
        // The next round trip was sent under the cut limit; a 429 in it cuts again.
        roundTrip(limiter, Outcome.OVERLOADED, FAST);
        assertThat(limiter.limit()).isBetween(halved / 2, (halved + 1) / 2);
    }

    @Test
    void whilePacedTheLimitCarriesThePaceAtTheLatencyTheServerShowsNow() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(128, clock, () -> 1000);
        roundTrip(limiter, Outcome.ANSWERED, FAST);
        assertThat(limiter.limit()).as("1,000/s at 20 ms needs 20 in flight, plus a quarter").isEqualTo(25);
        Duration tripled = FAST.multipliedBy(3);
        for (int i = 0; i < 10; i++) roundTrip(limiter, Outcome.ANSWERED, tripled);
        assertThat(limiter.limit()).as("the server got slower, not busier: the pace still needs carrying")
                .isGreaterThanOrEqualTo(70);
        roundTrip(limiter, Outcome.OVERLOADED, tripled);
        assertThat(limiter.limit()).as("a 429 is the pacer's to answer; halving below the pace's need only loses throughput")
                .isGreaterThanOrEqualTo(70);
    }

    @Test
    void thePaceNeverLiftsTheLimitAboveTheCeiling() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(10, clock, () -> 1000);
        roundTrip(limiter, Outcome.ANSWERED, Duration.ofMillis(200));
        assertThat(limiter.limit()).isEqualTo(10);
    }

    @Test
    void neverFallsBelowOne() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        for (int i = 0; i < 10; i++) roundTrip(limiter, Outcome.OVERLOADED, FAST);
        assertThat(limiter.limit()).isEqualTo(1);
        roundTrip(limiter, Outcome.ANSWERED, FAST);
        assertThat(limiter.limit()).as("grows again once answers come").isEqualTo(2);
    }

    @Test
    void afterALastingSlowdownBecomesTheBaselineTheLimitDoublesBackToWhereItWas() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        for (int i = 0; i < 40; i++) roundTrip(limiter, Outcome.ANSWERED, FAST);
        int before = limiter.limit();
        Duration slow = FAST.multipliedBy(3);
        int rounds = 0;
        int lowest = before;
        do {
            roundTrip(limiter, Outcome.ANSWERED, slow);
            lowest = Math.min(lowest, limiter.limit());
            rounds++;
        } while (rounds < 200 && limiter.limit() < before);
        assertThat(lowest).as("slow answers cut it first").isLessThan(before / 2);
        assertThat(limiter.limit()).as("and it is back").isGreaterThanOrEqualTo(before);
        // Two seconds of slow round trips cut it; the way back takes a few round trips, not one per request it lost.
        assertThat(rounds).isLessThan((int) (Duration.ofSeconds(2).toMillis() / slow.toMillis()) + 10);
    }

    @Test
    void aTooManyRequestsForgetsTheLevelSlownessCutFrom() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        for (int i = 0; i < 40; i++) roundTrip(limiter, Outcome.ANSWERED, FAST);
        int before = limiter.limit();
        roundTrip(limiter, Outcome.ANSWERED, FAST.multipliedBy(3));
        roundTrip(limiter, Outcome.OVERLOADED, FAST);
        int halved = limiter.limit();
        for (int i = 0; i < 3; i++) roundTrip(limiter, Outcome.ANSWERED, FAST);
        assertThat(limiter.limit()).as("about one more per round trip, not doubling").isLessThanOrEqualTo(halved + 3).isLessThan(before);
    }

    @Test
    void slowAnswersCutTheLimitByATenthAndALastingSlowdownBecomesTheNewBaseline() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        for (int i = 0; i < 12; i++) roundTrip(limiter, Outcome.ANSWERED, FAST);
        int before = limiter.limit();
        Duration slow = FAST.multipliedBy(5);
        roundTrip(limiter, Outcome.ANSWERED, slow);
        // The limit is fractional; its whole part was `before`.
        assertThat(limiter.limit()).isBetween((int) (before * 0.9), (int) ((before + 1) * 0.9));

        // Answers stay slow: within two seconds the slow latency is the baseline, and the limit grows again.
        for (int i = 0; i < 30; i++) roundTrip(limiter, Outcome.ANSWERED, slow);
        int settled = limiter.limit();
        for (int i = 0; i < 5; i++) roundTrip(limiter, Outcome.ANSWERED, slow);
        assertThat(limiter.limit()).isGreaterThan(settled);
    }

    @Test
    void latencyWithinTheNoiseMarginIsNotSlow() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        for (int i = 0; i < 12; i++) roundTrip(limiter, Outcome.ANSWERED, Duration.ofNanos(200_000));
        int before = limiter.limit();
        roundTrip(limiter, Outcome.ANSWERED, Duration.ofMillis(2));
        assertThat(limiter.limit()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void failuresThatSayNothingAboutLoadNeitherGrowNorCut() throws InterruptedException {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(64, clock, UNPACED);
        for (int i = 0; i < 10; i++) roundTrip(limiter, Outcome.FAILED, FAST);
        assertThat(limiter.limit()).isEqualTo(4);
    }

    @Test
    void permitsGoToWaitersInTheOrderTheyAsked() throws Exception {
        AdaptiveConcurrency limiter = new AdaptiveConcurrency(1, clock, UNPACED);
        Permit held = limiter.acquire();
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    Permit p = limiter.acquire();
                    order.add(id);
                    limiter.release(p, Outcome.FAILED, Duration.ZERO);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // Queue the waiters one after another.
            while (t.getState() != Thread.State.WAITING) Thread.onSpinWait();
            waiters.add(t);
        }
        limiter.release(held, Outcome.FAILED, Duration.ZERO);
        for (Thread t : waiters) t.join();
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }
}
