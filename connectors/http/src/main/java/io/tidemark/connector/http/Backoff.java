package io.tidemark.connector.http;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How long to wait before resending a request that failed transiently: exponential backoff with full jitter (a uniform
 * draw between zero and {@code min(cap, base × 2^retry)}), so that clients refused together do not come back together;
 * never earlier than the server's {@code Retry-After}.
 */
final class Backoff {
    static final Duration BASE = Duration.ofMillis(200);
    static final Duration CAP = Duration.ofSeconds(30);

    private final RandomGenerator random;

    /** @param random thread-safe (the delays of concurrent requests are drawn from it) */
    Backoff(RandomGenerator random) { this.random = random; }

    /**
     * @param retry      0 for the first resend
     * @param retryAfter what the server asked for, if anything
     */
    Duration delay(int retry, Optional<Duration> retryAfter) {
        long ceiling = CAP.toMillis();
        if (retry < 20) ceiling = Math.min(ceiling, BASE.toMillis() << retry);
        Duration jittered = Duration.ofMillis(random.nextLong(ceiling + 1));
        return retryAfter.filter(r -> r.compareTo(jittered) > 0).orElse(jittered);
    }
}
