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
 *   <li>A 429 (and, while paced, a 503 or a timeout: see {@link #onAnswer}) cuts the rate by a tenth, but never below what the server accepted during the last second (a token bucket
 *   refills at its rate, so that is at least the rate it allows); many 429s in a row thus bring it down to that, while
 *   one 429 from a burst costs little. Before any pacing the first 429 sets the rate to what was accepted. Never
 *   below {@value #MIN_RATE} request per second.</li>
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
    /** Answers accepted (not 429) per {@link #BUCKET} of the last second, as a ring: bucket number and count. */
    private final long[] bucketNumber = new long[BUCKETS];
    private final int[] bucketCount = new int[BUCKETS];

    /** @param ceiling the most requests a second ever sent; 0 for none */
    AdaptiveRate(int ceiling, Clock clock) {
        if (ceiling < 0) throw new IllegalArgumentException("ceiling must be >= 0: " + ceiling);
        this.ceiling = ceiling == 0 ? Double.POSITIVE_INFINITY : ceiling;
        this.clock = clock;
        this.rate = this.ceiling;
        java.util.Arrays.fill(bucketNumber, Long.MIN_VALUE);
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
            int i = (int) Math.floorMod(now / BUCKET, (long) BUCKETS);
            if (bucketNumber[i] != now / BUCKET) {
                bucketNumber[i] = now / BUCKET;
                bucketCount[i] = 0;
            }
            bucketCount[i]++;
            return;
        }
        double accepted = acceptedPerSecond(now);
        double cut = Double.isInfinite(rate) ? accepted : Math.min(rate, Math.max(accepted, rate * THROTTLED_CUT));
        rate = Math.max(MIN_RATE, cut);
        lastProbe = now;
    }

    /** The pace now in requests a second; infinite while unpaced. */
    synchronized double rate() { return rate; }

    /** Answers accepted over the last second, per second; over the time since the first request when that is shorter. */
    private double acceptedPerSecond(long now) {
        long current = now / BUCKET;
        long accepted = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketNumber[i] > current - BUCKETS && bucketNumber[i] <= current) accepted += bucketCount[i];
        }
        long observed = firstReserve == Long.MIN_VALUE ? SECOND : Math.clamp(now - firstReserve, BUCKET, SECOND);
        return accepted * (double) SECOND / observed;
    }

    static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), SECOND), instant.getNano());
    }
}
