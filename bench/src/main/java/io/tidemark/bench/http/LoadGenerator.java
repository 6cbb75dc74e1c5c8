package io.tidemark.bench.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A plain load for {@link RateLimitedApi}, to measure the server's own ceiling and check its limit without Tidemark:
 * {@code concurrency} virtual threads each send batches of {@code batch} new records ({@code id}, {@code email},
 * {@code name}, {@code plan}) back to back for {@code seconds}, or paced together at {@code rate} requests a second.
 * It neither retries nor backs off. Prints one line:
 * {@code load: N requests in S s (R/s): 200 a, 429 b, other c, failed d; latency ms p50 x p99 y max z}, and the first
 * failure (an exception instead of a response), if any, on the next.
 *
 * <pre>
 *   LoadGenerator --url http://127.0.0.1:PORT/batch [--concurrency 64] [--seconds 10] [--batch 100] [--rate 0]
 * </pre>
 */
public final class LoadGenerator {
    private static final Set<String> OPTIONS = Set.of("url", "concurrency", "seconds", "batch", "rate");

    private final URI url;
    private final int batch;
    private final long intervalNanos;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong nextSlot;
    private final LongAdder ok = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder other = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    private LoadGenerator(URI url, int batch, int rate, long start) {
        this.url = url;
        this.batch = batch;
        this.intervalNanos = rate == 0 ? 0 : 1_000_000_000L / rate;
        this.nextSlot = new AtomicLong(start);
    }

    public static void main(String[] args) throws InterruptedException {
        Options o = Options.parse(args, OPTIONS);
        String url = o.text("url", null);
        o.require(url != null, "--url is required (the batch endpoint, e.g. http://127.0.0.1:8080/batch)");
        int concurrency = o.integer("concurrency", 64, 1, 100_000);
        long seconds = o.number("seconds", 10, 1, 86_400);
        int batch = o.integer("batch", 100, 1, 100_000);
        int rate = o.integer("rate", 0, 0, 1_000_000_000);
        try {
            o.validated(url);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\nusage: LoadGenerator --url URL [--concurrency 64] [--seconds 10] [--batch 100] [--rate 0]");
            System.exit(2);
        }
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(seconds).toNanos();
        LoadGenerator load = new LoadGenerator(URI.create(url), batch, rate, start);
        List<Thread> workers = new ArrayList<>();
        List<long[]> latencies = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Worker worker = load.new Worker(deadline);
            latencies.add(null);
            int slot = i;
            workers.add(Thread.ofVirtual().start(() -> latencies.set(slot, worker.run())));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long total = load.ok.sum() + load.throttled.sum() + load.other.sum() + load.failed.sum();
        System.out.printf(Locale.ROOT, "load: %d requests in %.1f s (%.0f/s): 200 %d, 429 %d, other %d, failed %d; latency ms p50 %.1f p99 %.1f max %.1f%n",
                total, elapsed, total / elapsed, load.ok.sum(), load.throttled.sum(), load.other.sum(), load.failed.sum(),
                percentileMs(all, 0.50), percentileMs(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
        if (load.firstFailure.get() != null) {
            System.out.println("first failure: " + load.firstFailure.get());
        }
    }

    private static double percentileMs(long[] sortedNanos, double p) {
        return sortedNanos.length == 0 ? 0 : sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1)] / 1e6;
    }

    private final class Worker {
        private final long deadline;
        private long[] latencies = new long[1024];
        private int count;

        Worker(long deadline) {
            this.deadline = deadline;
        }

        /** Sends until the deadline; returns the latencies (ns) of the answered requests. */
        long[] run() {
            while (true) {
                if (intervalNanos > 0) {
                    long wait = nextSlot.getAndAdd(intervalNanos) - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(Duration.ofNanos(wait));
                        } catch (InterruptedException e) {
                            break;
                        }
                    }
                }
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
                send();
            }
            return Arrays.copyOf(latencies, count);
        }

        private void send() {
            HttpRequest request = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(nextId.getAndAdd(batch)))).build();
            long sent = System.nanoTime();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                (status == 200 ? ok : status == 429 ? throttled : other).increment();
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = System.nanoTime() - sent;
            } catch (IOException e) {
                failed.increment();
                firstFailure.compareAndSet(null, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.increment();
            }
        }

        private String body(long firstId) {
            StringBuilder json = new StringBuilder(batch * 96).append('[');
            for (long id = firstId; id < firstId + batch; id++) {
                json.append(id == firstId ? "" : ",").append("{\"id\":").append(id).append(",\"email\":\"user").append(id)
                        .append("@example.com\",\"name\":\"User ").append(id).append("\",\"plan\":\"pro\"}");
            }
            return json.append(']').toString();
        }
    }
}
