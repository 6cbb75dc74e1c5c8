package io.tidemark.connector.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** How a real server's answers move the client's pace: what counts as throttling, paced and unpaced. */
class PacingTest {
    private final MutableClock clock = new MutableClock();
    private FakeApi api;

    @BeforeEach
    void start() throws Exception { api = new FakeApi(); }

    @AfterEach
    void stop() { api.close(); }

    /** A client that records no waits and sleeps none. */
    private ApiClient client(int requestsPerSecond, Duration timeout) {
        return new ApiClient("crm", new Auth.None(), new Delivery(requestsPerSecond, 16, timeout, 8), new Masker(List.of()), clock,
                duration -> { }, new Random(1));
    }

    private void put(ApiClient client) {
        ApiRequest request = new ApiRequest("PUT", URI.create(api.url() + "/contacts/a%40x.io"), List.of(),
                Optional.of("{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(client.send(request, "a test request", new ExchangeLog(new Masker(List.of()))).ok()).isTrue();
    }

    @Test
    void aServiceUnavailableWhilePacedCutsThePaceByATenth() {
        try (ApiClient client = client(10, Duration.ofSeconds(30))) {
            api.answerNext(FakeApi.Canned.status(503));
            put(client);
            assertThat(client.pace()).isCloseTo(9, within(0.001));
        }
    }

    @Test
    void aTimeoutWhilePacedCutsThePace() {
        try (ApiClient client = client(10, Duration.ofMillis(500))) {
            api.answerNext(new FakeApi.Canned(200, Map.of(), "{}", Duration.ofSeconds(2)));
            put(client);
            assertThat(client.pace()).isLessThanOrEqualTo(9);
        }
    }

    @Test
    void aServiceUnavailableDoesNotStartPacingAnUnpacedClient() {
        try (ApiClient client = client(0, Duration.ofSeconds(30))) {
            api.answerNext(FakeApi.Canned.status(503), FakeApi.Canned.status(503));
            put(client);
            assertThat(client.pace()).isInfinite();
        }
    }
}
