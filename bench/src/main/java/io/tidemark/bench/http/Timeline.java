package io.tidemark.bench.http;

import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server saw per 100 ms, counted by the bucket a request <em>arrived</em> in (when it took its token or was
 * refused), from the first request on, up to a fixed length. Counters are preallocated atomic arrays: recording
 * allocates nothing. Thread-safe.
 */
final class Timeline {
    static final long BUCKET_NANOS = 100_000_000L;
    static final String CSV_HEADER = "t_ms,accepted_requests,accepted_records,throttled,mean_latency_ms,in_flight_max";

    private final int length;
    private final AtomicLongArray acceptedRequests;
    private final AtomicLongArray acceptedRecords;
    private final AtomicLongArray throttled;
    private final AtomicLongArray latencyNanos;
    private final AtomicLongArray inFlightMax;
    private final AtomicInteger used = new AtomicInteger();
    private final LongAdder beyond = new LongAdder();

    Timeline(Duration limit) {
        this.length = Math.toIntExact(Math.max(1, limit.toNanos() / BUCKET_NANOS));
        this.acceptedRequests = new AtomicLongArray(length);
        this.acceptedRecords = new AtomicLongArray(length);
        this.throttled = new AtomicLongArray(length);
        this.latencyNanos = new AtomicLongArray(length);
        this.inFlightMax = new AtomicLongArray(length);
    }

    /** A request that arrived {@code sinceFirstNanos} after the first one is in flight with {@code inFlight} others. */
    void arrived(long sinceFirstNanos, int inFlight) {
        int b = bucket(sinceFirstNanos);
        if (b >= 0) {
            inFlightMax.accumulateAndGet(b, inFlight, Math::max);
        } else {
            beyond.increment();
        }
    }

    /** A request that arrived then was answered 200 after {@code latencyNanos}, with {@code records} records. */
    void accepted(long sinceFirstNanos, int records, long latencyNanos) {
        int b = bucket(sinceFirstNanos);
        if (b >= 0) {
            acceptedRequests.incrementAndGet(b);
            acceptedRecords.addAndGet(b, records);
            this.latencyNanos.addAndGet(b, latencyNanos);
        }
    }

    /** A request that arrived then was refused with 429. */
    void throttled(long sinceFirstNanos) {
        int b = bucket(sinceFirstNanos);
        if (b >= 0) {
            throttled.incrementAndGet(b);
        }
    }

    /** Buckets from the first to the last one any request arrived in. */
    int buckets() {
        return used.get();
    }

    /** Requests that arrived after the timeline's length (not in it; the summary's totals have them). */
    long beyond() {
        return beyond.sum();
    }

    /** One CSV line per bucket, {@link #CSV_HEADER} first; {@code t_ms} is the bucket's start after the first request. */
    void writeCsv(Writer out) throws IOException {
        out.write(CSV_HEADER + "\n");
        for (int b = 0; b < used.get(); b++) {
            long requests = acceptedRequests.get(b);
            double meanLatencyMs = requests == 0 ? 0 : latencyNanos.get(b) / 1e6 / requests;
            out.write(String.format(Locale.ROOT, "%d,%d,%d,%d,%.2f,%d%n", b * BUCKET_NANOS / 1_000_000, requests,
                    acceptedRecords.get(b), throttled.get(b), meanLatencyMs, inFlightMax.get(b)));
        }
    }

    private int bucket(long sinceFirstNanos) {
        long b = Math.max(0, sinceFirstNanos) / BUCKET_NANOS;
        if (b >= length) {
            return -1;
        }
        used.accumulateAndGet((int) b + 1, Math::max);
        return (int) b;
    }
}
