package io.tidemark.bench.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark's API server on 127.0.0.1, with no latency and a clock the test moves (frozen unless moved). */
class RateLimitedApiTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final HttpClient client = HttpClient.newHttpClient();
    private RateLimitedApi api;

    private RateLimitedApi start(String... args) throws IOException {
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--latency-ms", "0", "--jitter-ms", "0"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        api = RateLimitedApi.start(ApiSettings.parse(all), clock::get);
        return api;
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        client.close();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/batch"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answers429WithRetryAfterBeyondTheBurstAndDoesNotCountTheRefusedRecords() throws Exception {
        start("--rate", "10", "--burst", "2", "--retry-after-s", "1");
        assertThat(post("[{\"id\": 1}]").statusCode()).isEqualTo(200);
        assertThat(post("[{\"id\": 2}]").statusCode()).isEqualTo(200);

        HttpResponse<String> refused = post("[{\"id\": 3}]");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");

        clock.addAndGet(100 * MS);   // one token at 10 a second
        assertThat(post("[{\"id\": 3}]").statusCode()).isEqualTo(200);
        RateLimitedApi.Summary summary = api.summary();
        assertThat(summary.requests()).isEqualTo(4);
        assertThat(summary.throttled()).isEqualTo(1);
        assertThat(summary.acceptedRecords()).isEqualTo(3);
        assertThat(summary.duplicateRecords()).isZero();
    }

    @Test
    void countsUniqueIdsAndDuplicatesOfAcceptedRecordsWhateverTheirForm() throws Exception {
        start("--rate", "0", "--id-capacity", "100");
        assertThat(post("[{\"id\": 1, \"email\": \"a@example.com\"}, {\"id\": 2, \"tags\": [{\"id\": 9}]}, {\"id\": 33}, {\"id\": 65}]").body())
                .isEqualTo("{\"accepted\":4}");
        assertThat(post("{\"api_key\": \"k\", \"records\": [{\"id\": \"2\"}, {\"id\": 500}, {\"id\": \"abc\"}]}").statusCode()).isEqualTo(200);
        assertThat(post("[{\"id\": 500}, {\"id\": \"abc\"}, {\"id\": \"abc\"}]").statusCode()).isEqualTo(200);

        RateLimitedApi.Summary summary = api.summary();
        assertThat(summary.acceptedRequests()).isEqualTo(3);
        assertThat(summary.acceptedRecords()).isEqualTo(10);
        assertThat(summary.uniqueIds()).as("1, 2, 33, 65, 500 (beyond the bitmap), abc; a nested id is not the record's").isEqualTo(6);
        assertThat(summary.duplicateRecords()).as("\"2\" is 2; 500 again; abc twice more").isEqualTo(4);
    }

    @Test
    void refusesABodyWithoutRecordIdsWith400() throws Exception {
        start("--rate", "0");
        HttpResponse<String> missing = post("[{\"id\": 1}, {\"email\": \"b@example.com\"}]");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("record 2 has no \\\"id\\\"");
        assertThat(post("{\"records\": 5}").statusCode()).isEqualTo(400);
        assertThat(post("[{\"id\": 1},").statusCode()).isEqualTo(400);

        assertThat(api.summary().badRequests()).isEqualTo(3);
        assertThat(api.summary().acceptedRecords()).isZero();
    }

    @Test
    void slowsDownOnceTheTriggerCountOfRecordsIsAccepted() throws Exception {
        start("--rate", "0", "--slowdown-after-records", "3");
        post("[{\"id\": 1}, {\"id\": 2}]");
        assertThat(api.summary().slowdownAtMs()).isNull();

        clock.addAndGet(1_500 * MS);
        post("[{\"id\": 3}]");
        assertThat(api.summary().slowdownAtMs()).isEqualTo(1_500);
    }

    @Test
    void slowsDownAtTheTriggerTimeAfterTheFirstRequest() throws Exception {
        start("--rate", "0", "--slowdown-after-ms", "2000");
        post("[{\"id\": 1}]");
        clock.addAndGet(1_999 * MS);
        post("[{\"id\": 2}]");
        assertThat(api.summary().slowdownAtMs()).isNull();

        clock.addAndGet(MS);
        post("[{\"id\": 3}]");
        assertThat(api.summary().slowdownAtMs()).isEqualTo(2_000);
    }

    @Test
    void recordsTheTimelinePer100MillisecondsFromTheFirstRequest(@TempDir Path out) throws Exception {
        start("--rate", "10", "--burst", "1");
        clock.addAndGet(5_000 * MS);   // the server's start is not the timeline's
        post("[{\"id\": 1}, {\"id\": 2}]");
        post("[{\"id\": 3}]");
        clock.addAndGet(250 * MS);
        post("[{\"id\": 3}]");

        api.writeResults(out);
        assertThat(Files.readAllLines(out.resolve("timeline.csv"))).containsExactly(
                Timeline.CSV_HEADER,
                "0,1,2,1,0.00,1",
                "100,0,0,0,0.00,0",
                "200,1,1,0,0.00,1");
        assertThat(Files.readString(out.resolve("summary.json"))).contains("\"duplicate_records\" : 0", "\"timeline_buckets\" : 3");
    }

    @Test
    void aResetStartsOverWithAFullBucketAndNothingReceived() throws Exception {
        start("--rate", "10", "--burst", "1", "--slowdown-after-records", "1");
        post("[{\"id\": 1}]");
        assertThat(post("[{\"id\": 2}]").statusCode()).isEqualTo(429);

        HttpResponse<String> reset = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(api.summary()).extracting("requests", "throttled", "uniqueIds", "slowdownAtMs", "timelineBuckets")
                .containsExactly(0L, 0L, 0L, null, 0);
        assertThat(post("[{\"id\": 1}]").statusCode()).isEqualTo(200);
        assertThat(api.summary().duplicateRecords()).isZero();
    }

    @Test
    void reportsEveryInvalidOptionAtOnce() {
        assertThatThrownBy(() -> ApiSettings.parse(new String[] {"--rate", "-1", "--latency-ms", "5", "--jitter-ms", "6", "--colour", "red"}))
                .hasMessageContainingAll("--rate -1: expected a whole number from 0", "--jitter-ms 6 exceeds --latency-ms 5", "unknown option --colour");
    }
}
