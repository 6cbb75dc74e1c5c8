package io.tidemark.bench.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * How {@link RateLimitedApi} behaves.
 *
 * @param port                  port on 127.0.0.1; 0 picks a free one
 * @param ratePerSecond         the token bucket's refill rate in requests a second; 0 = no limit
 * @param burst                 the token bucket's size, at least 1
 * @param latency               the base response time of an accepted batch, with its jitter and its slowdown
 * @param slowdownAfterRecords  the latency is multiplied once this many records were accepted; 0 = never by count
 * @param slowdownAfter         ... or once this long passed since the first request; zero = never by time
 * @param retryAfterSeconds     the {@code Retry-After} of a 429
 * @param idCapacity            ids in {@code [0, idCapacity)} are tracked in a bitmap (one bit each); other ids in a set
 * @param timelineLimit         how long the 100 ms timeline records, from the first request
 * @param out                   folder for {@code summary.json} and {@code timeline.csv} at shutdown; null = none
 */
public record ApiSettings(int port, int ratePerSecond, int burst, Latency latency, long slowdownAfterRecords,
                          Duration slowdownAfter, int retryAfterSeconds, int idCapacity, Duration timelineLimit, Path out) {

    static final String USAGE = """
            usage: RateLimitedApi [--port 0] [--rate 1000] [--burst 50] [--latency-ms 20] [--jitter-ms 5]
                                  [--slowdown-factor 3] [--slowdown-after-records 0] [--slowdown-after-ms 0]
                                  [--retry-after-s 1] [--id-capacity 16777216] [--timeline-s 3600] [--out DIR]
              --rate 0 = no limit; --slowdown-after-* 0 = never (the latency is multiplied by --slowdown-factor after
              whichever comes first); summary.json and timeline.csv go to --out when the server stops (SIGTERM).""";

    private static final Set<String> OPTIONS = Set.of("port", "rate", "burst", "latency-ms", "jitter-ms", "slowdown-factor",
            "slowdown-after-records", "slowdown-after-ms", "retry-after-s", "id-capacity", "timeline-s", "out");

    /** Reads the command line; an {@link IllegalArgumentException} lists every problem at once. */
    static ApiSettings parse(String[] args) {
        Options o = Options.parse(args, OPTIONS);
        Duration base = o.millis("latency-ms", Duration.ofMillis(20));
        Duration jitter = o.millis("jitter-ms", Duration.ofMillis(5));
        o.require(jitter.compareTo(base) <= 0, "--jitter-ms " + jitter.toMillis() + " exceeds --latency-ms " + base.toMillis()
                + ": a response time cannot be negative");
        Latency latency = new Latency(base, jitter, o.integer("slowdown-factor", 3, 1, 1000));
        return o.validated(new ApiSettings(o.integer("port", 0, 0, 65535), o.integer("rate", 1000, 0, 1_000_000_000),
                o.integer("burst", 50, 1, 1_000_000_000), latency, o.number("slowdown-after-records", 0, 0, Long.MAX_VALUE),
                o.millis("slowdown-after-ms", Duration.ZERO), o.integer("retry-after-s", 1, 1, 86_400),
                o.integer("id-capacity", 1 << 24, 0, Integer.MAX_VALUE - 63), Duration.ofSeconds(o.number("timeline-s", 3600, 1, 86_400)),
                o.path("out")));
    }
}
