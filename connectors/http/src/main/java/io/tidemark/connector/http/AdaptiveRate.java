package io.tidemark.connector.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Paces requests to a rate that adapts to the API's rate limit. Requests are spread evenly (one slot every
 * {@code 1/rate} seconds, handed out in the order asked for), never in bursts: an idle pacer saves no credit.
 *
 * <ul>
 *   <li>Without a ceiling and before any 429 the pacer lets everything through.</li>
 *   <li>A 429 (and, while paced, a 503 or a timeout: see {@link #onAnswer}) cuts the rate by a tenth, but never below
 *   what the server accepted during the last second (a token bucket refills at its rate, so that is at least the rate
 *   it allows), and at most once a second: the 429s that follow a cut answer requests sent before it, so one burst
 *   costs one tenth. When 429s outnumber accepted answers over the last second (from {@value #OVERWHELMED_AT} 429s on,
 *   so that one early 429 does not), the rate drops to what was accepted at once. Before any pacing the first 429 sets
 *   the rate to what was accepted. Never below {@value #MIN_RATE} request per second.</li>
 *   <li>While requests wait for their slots and no 429 comes, the rate grows by {@value #PROBE_PER_SECOND_PERCENT} %
 *   a second, up to the ceiling, to find capacity the server gained.</li>
 * </ul>
 *
 * <p>Thread-safe; each call holds a lock for a few arithmetic steps, so it stays cheap at thousands of requests a
 * second. Time comes from the injected clock only, so tests drive it by hand.
 */
final class AdaptiveRate {
    static final double MIN_RATE = 1.0;
    static final int PROBE_PER_SECOND_PERCENT = 5;
    static final double THROTTLED_CUT = 0.9;
    /** 429s in the last second, outnumbering accepted answers, that show the pace is far too high (not one burst). */
    static final int OVERWHELMED_AT = 10;
    private static final double PROBE_FACTOR = 1 + PROBE_PER_SECOND_PERCENT / 100.0;
    private static final long SECOND = 1_000_000_000L;
    private static final int BUCKETS = 20;
    private static final long BUCKET = SECOND / BUCKETS;

    private final double ceiling;
    private final Clock clock;

    // Guarded by this.
    private double rate;
    private long nextSlot;
    private long lastProbe;
    private long firstReserve = Long.MIN_VALUE;
    private long lastCut = Long.MIN_VALUE;
    private final LastSecond accepted = new LastSecond();
    private final LastSecond throttled = new LastSecond();

    /** @param ceiling the most requests a second ever sent; 0 for none */
    AdaptiveRate(int ceiling, Clock clock) {
        if (ceiling < 0) throw new IllegalArgumentException("ceiling must be >= 0: " + ceiling);
        this.ceiling = ceiling == 0 ? Double.POSITIVE_INFINITY : ceiling;
        this.clock = clock;
        this.rate = this.ceiling;
    }

    /** Reserves the next free slot; returns how long the caller waits for it (zero when it is free now). */
    synchronized Duration reserve() {
        long now = nanos(clock.instant());
        if (firstReserve == Long.MIN_VALUE) firstReserve = now;
        if (rate == Double.POSITIVE_INFINITY) return Duration.ZERO;
        if (nextSlot > now && rate < ceiling) {
            // Requests are queueing behind the pace and the server has not pushed back since: probe upwards.
            rate = Math.min(ceiling, rate * Math.pow(PROBE_FACTOR, (now - lastProbe) / (double) SECOND));
        }
        lastProbe = now;
        long slot = Math.max(now, nextSlot);
        nextSlot = slot + (long) (SECOND / rate);
        return Duration.ofNanos(slot - now);
    }

    /**
     * Tells the pacer how the server answered a request it paced.
     *
     * @param throttled refused for load, which cuts the pace (a 429; while paced also a 503 or a timeout, as the
     *                  caller decides); otherwise an answer the server accepted, counted towards the accepted rate
     */
    synchronized void onAnswer(boolean throttled) {
        long now = nanos(clock.instant());
        if (!throttled) {
            accepted.count(now);
            return;
        }
        this.throttled.count(now);
        double acceptedRate = perSecond(accepted.total(now), now);
        long refused = this.throttled.total(now);
        boolean overwhelmed = refused >= OVERWHELMED_AT && refused > accepted.total(now);
        boolean sameBurst = lastCut != Long.MIN_VALUE && now - lastCut < SECOND;
        if (Double.isInfinite(rate) || overwhelmed) {
            rate = Math.max(MIN_RATE, Math.min(rate, acceptedRate));
        } else if (!sameBurst) {
            rate = Math.max(MIN_RATE, Math.min(rate, Math.max(acceptedRate, rate * THROTTLED_CUT)));
        } else {
            return;
        }
        lastCut = now;
        lastProbe = now;
    }

    /** The pace now in requests a second; infinite while unpaced. */
    synchronized double rate() { return rate; }

    /** Answers over the last second, per second; over the time since the first request when that is shorter. */
    private double perSecond(long answers, long now) {
        long observed = firstReserve == Long.MIN_VALUE ? SECOND : Math.clamp(now - firstReserve, BUCKET, SECOND);
        return answers * (double) SECOND / observed;
    }

    static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), SECOND), instant.getNano());
    }

    /** Counts events per {@link #BUCKET} of the last second, as a ring of bucket numbers and counts. Not thread-safe. */
    private static final class LastSecond {
        private final long[] number = new long[BUCKETS];
        private final int[] count = new int[BUCKETS];

        LastSecond() { java.util.Arrays.fill(number, Long.MIN_VALUE); }

        void count(long now) {
            int i = (int) Math.floorMod(now / BUCKET, (long) BUCKETS);
            if (number[i] != now / BUCKET) {
                number[i] = now / BUCKET;
                count[i] = 0;
            }
            count[i]++;
        }

        long total(long now) {
            long current = now / BUCKET;
            long total = 0;
            for (int i = 0; i < BUCKETS; i++) {
                if (number[i] > current - BUCKETS && number[i] <= current) total += count[i];
            }
            return total;
        }
    }
}
