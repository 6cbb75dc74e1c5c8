package io.tidemark.bench.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A local stand-in for a rate-limited batch API (benchmark W5 of issue 8, {@code bench/run.sh http}): {@code POST /batch}
 * takes a JSON array of records keyed by {@code id} (see {@link Batch}) and upserts them, behind a token bucket; beyond
 * the limit it answers 429 with {@code Retry-After}. An accepted batch is answered after the configured latency, which
 * is multiplied once a trigger passes (a count of accepted records, or a time after the first request). The server
 * counts what a client cannot fake: accepted records, unique ids, duplicates (an id accepted again), 429s, and a
 * per-100 ms {@link Timeline}. {@code GET /stats} answers the {@link Summary}, {@code GET /timeline} the timeline as CSV;
 * {@link #main} also writes both to {@code --out} when stopped. {@code POST /reset} starts over (a full bucket, nothing
 * received, no slowdown, the timeline's origin at the next request): a harness warms the server up, then resets it, so
 * that a measured client meets compiled code rather than the server's JIT.
 *
 * <p>JDK {@code HttpServer} on 127.0.0.1, one virtual thread per exchange (a response's latency is a sleep, so
 * thousands can wait at once); counting allocates nothing per record, so the server is not the benchmark's bottleneck.
 */
public final class RateLimitedApi implements AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    private static final byte[] THROTTLED = "{\"error\":\"rate limit exceeded; retry after Retry-After seconds\"}".getBytes(StandardCharsets.UTF_8);
    private static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";
    private static final byte[] NOT_POST = "{\"error\":\"send batches with POST\"}".getBytes(StandardCharsets.UTF_8);

    private final ApiSettings settings;
    private final LongSupplier nanoClock;
    private final String retryAfter;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** Replaced whole by a reset; a request counts in the tally it started with. */
    private volatile Tally tally;

    private RateLimitedApi(ApiSettings settings, LongSupplier nanoClock) throws IOException {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.retryAfter = Integer.toString(settings.retryAfterSeconds());
        this.tally = new Tally(settings, nanoClock);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 4096);
        server.setExecutor(executor);
        server.createContext("/batch", this::serveBatch);
        server.createContext("/stats", exchange -> serveText(exchange, JSON.writeValueAsString(summary()), "application/json"));
        server.createContext("/timeline", exchange -> {
            StringWriter csv = new StringWriter();
            tally.timeline.writeCsv(csv);
            serveText(exchange, csv.toString(), "text/csv");
        });
        server.createContext("/reset", exchange -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
                try (exchange) {
                    reply(exchange, 405, "{\"error\":\"reset with POST\"}".getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            tally = new Tally(settings, nanoClock);
            serveText(exchange, "{\"reset\":true}", "application/json");
        });
    }

    /** Starts a server on 127.0.0.1; {@code nanoClock} (normally {@link System#nanoTime}) drives the bucket and the timeline. */
    public static RateLimitedApi start(ApiSettings settings, LongSupplier nanoClock) throws IOException {
        RateLimitedApi api = new RateLimitedApi(settings, nanoClock);
        api.server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * What the server counted since it started or was reset.
     *
     * @param slowdownAtMs when the latency was multiplied, in ms after the first request; null while it was not
     */
    public record Summary(int ratePerSecond, int burst, long latencyMs, long jitterMs, int slowdownFactor, long slowdownAfterRecords,
                          long slowdownAfterMs, long requests, long acceptedRequests, long acceptedRecords, long uniqueIds,
                          long duplicateRecords, long throttled, long badRequests, Long slowdownAtMs, int timelineBuckets,
                          long requestsBeyondTimeline) {}

    public Summary summary() {
        return summary(tally);
    }

    private Summary summary(Tally t) {
        Long first = t.firstArrival.get();
        Long slowed = t.slowedDownAt.get();
        Latency latency = settings.latency();
        return new Summary(settings.ratePerSecond(), settings.burst(), latency.base().toMillis(), latency.jitter().toMillis(),
                latency.slowdownFactor(), settings.slowdownAfterRecords(), settings.slowdownAfter().toMillis(), t.requests.sum(),
                t.acceptedRequests.sum(), t.acceptedRecords.get(), t.ids.unique(), t.duplicateRecords.sum(), t.throttled.sum(),
                t.badRequests.sum(), slowed == null ? null : Duration.ofNanos(slowed - first).toMillis(), t.timeline.buckets(),
                t.timeline.beyond());
    }

    /** Writes {@code summary.json} and {@code timeline.csv} into {@code folder}. */
    public void writeResults(Path folder) throws IOException {
        Tally t = tally;
        Files.createDirectories(folder);
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("summary.json").toFile(), summary(t));
        try (Writer csv = Files.newBufferedWriter(folder.resolve("timeline.csv"))) {
            t.timeline.writeCsv(csv);
        }
    }

    /** Stops listening, lets the exchanges in progress finish, and waits for their threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private void serveBatch(HttpExchange exchange) throws IOException {
        Tally t = tally;
        long arrival = nanoClock.getAsLong();
        long sinceFirst = arrival - t.firstArrival(arrival);
        t.requests.increment();
        t.timeline.arrived(sinceFirst, t.inFlight.incrementAndGet());
        try (exchange; InputStream body = exchange.getRequestBody()) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, NOT_POST);
                return;
            }
            t.slowDownWhenDue(t.acceptedRecords.get(), arrival);
            if (!t.rateLimit.tryAcquire()) {
                body.transferTo(OutputStream.nullOutputStream());   // read, so the client's connection stays usable
                t.throttled.increment();
                t.timeline.throttled(sinceFirst);
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
                reply(exchange, 429, THROTTLED);
                return;
            }
            Batch batch;
            try {
                batch = Batch.read(body);
            } catch (Batch.Refused e) {
                t.badRequests.increment();
                reply(exchange, 400, JSON.writeValueAsBytes(Map.of("error", e.getMessage())));
                return;
            }
            Thread.sleep(Duration.ofNanos(settings.latency().drawNanos(t.slowedDownAt.get() != null, ThreadLocalRandom.current())));
            // Upserted before the answer, as a real API commits before it responds: a client that gives up waiting and
            // resends makes a duplicate here.
            t.duplicateRecords.add(batch.addTo(t.ids));
            t.acceptedRequests.increment();
            t.slowDownWhenDue(t.acceptedRecords.addAndGet(batch.size()), nanoClock.getAsLong());
            t.timeline.accepted(sinceFirst, batch.size(), nanoClock.getAsLong() - arrival);
            reply(exchange, 200, ("{\"accepted\":" + batch.size() + "}").getBytes(StandardCharsets.US_ASCII));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // stopping: the exchange closes unanswered, nothing was upserted
        } finally {
            t.inFlight.decrementAndGet();
        }
    }

    /** Everything counted from the start or a reset on: the token bucket, the ids, the counters, the timeline. */
    private static final class Tally {
        private final ApiSettings settings;
        private final RateLimit rateLimit;
        private final ReceivedIds ids;
        private final Timeline timeline;
        private final AtomicReference<Long> firstArrival = new AtomicReference<>();
        private final AtomicReference<Long> slowedDownAt = new AtomicReference<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicLong acceptedRecords = new AtomicLong();
        private final LongAdder requests = new LongAdder();
        private final LongAdder acceptedRequests = new LongAdder();
        private final LongAdder duplicateRecords = new LongAdder();
        private final LongAdder throttled = new LongAdder();
        private final LongAdder badRequests = new LongAdder();

        Tally(ApiSettings settings, LongSupplier nanoClock) {
            this.settings = settings;
            this.rateLimit = RateLimit.of(settings.ratePerSecond(), settings.burst(), nanoClock);
            this.ids = new ReceivedIds(settings.idCapacity());
            this.timeline = new Timeline(settings.timelineLimit());
        }

        long firstArrival(long now) {
            firstArrival.compareAndSet(null, now);
            return firstArrival.get();
        }

        void slowDownWhenDue(long records, long now) {
            if (slowedDownAt.get() == null
                    && (settings.slowdownAfterRecords() > 0 && records >= settings.slowdownAfterRecords()
                        || settings.slowdownAfter().isPositive() && now - firstArrival.get() >= settings.slowdownAfter().toNanos())) {
                slowedDownAt.compareAndSet(null, now);
            }
        }
    }

    private static void serveText(HttpExchange exchange, String text, String contentType) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Runs the server until SIGTERM; see {@link ApiSettings#USAGE}. Prints {@code listening on http://127.0.0.1:PORT ...}. */
    public static void main(String[] args) throws IOException {
        ApiSettings settings;
        try {
            settings = ApiSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + ApiSettings.USAGE);
            System.exit(2);
            return;
        }
        // The JDK server closes keep-alive connections beyond 200 idle ones, racing clients that reuse them ("header
        // parser received no bytes"); a benchmark client may hold more. Read when the server class loads.
        if (System.getProperty(MAX_IDLE_CONNECTIONS) == null) {
            System.setProperty(MAX_IDLE_CONNECTIONS, "100000");
        }
        RateLimitedApi api = start(settings, System::nanoTime);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            if (settings.out() != null) {
                try {
                    api.writeResults(settings.out());
                } catch (IOException e) {
                    System.err.println("could not write the results to " + settings.out() + ": " + e);
                }
            }
        }));
        System.out.printf("listening on http://127.0.0.1:%d (rate %s, burst %d, latency %d ± %d ms, x%d after %s)%n", api.port(),
                settings.ratePerSecond() == 0 ? "unlimited" : settings.ratePerSecond() + "/s", settings.burst(),
                settings.latency().base().toMillis(), settings.latency().jitter().toMillis(), settings.latency().slowdownFactor(),
                describeSlowdown(settings));
    }

    private static String describeSlowdown(ApiSettings settings) {
        String byCount = settings.slowdownAfterRecords() > 0 ? settings.slowdownAfterRecords() + " records" : null;
        String byTime = settings.slowdownAfter().isPositive() ? settings.slowdownAfter().toMillis() + " ms" : null;
        return byCount == null && byTime == null ? "never" : byCount == null ? byTime : byTime == null ? byCount : byCount + " or " + byTime;
    }
}
