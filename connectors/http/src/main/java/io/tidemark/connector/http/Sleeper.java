package io.tidemark.connector.http;

import java.time.Duration;

/** Waits for a while; injected so that tests of retries and pacing run without sleeping. */
@FunctionalInterface
interface Sleeper {
    /** Sleeps on the calling thread. */
    Sleeper REAL = duration -> {
        if (duration.isPositive()) Thread.sleep(duration);
    };

    /** Returns after {@code duration} (at once when it is zero or negative). */
    void sleep(Duration duration) throws InterruptedException;
}
