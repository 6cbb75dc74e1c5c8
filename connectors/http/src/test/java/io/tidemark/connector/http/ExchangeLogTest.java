package io.tidemark.connector.http;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The exchanges an apply keeps for test-row: references while sending, text only when read. */
class ExchangeLogTest {
    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);

    @Test
    void anExchangeIsRenderedWhenReadNotWhenSent() {
        ExchangeLog log = new ExchangeLog(new Masker(List.of()));
        byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1/contacts")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        log.answered(request, Optional.of(body), new Answer(200, NO_HEADERS, "{}"));
        // Sending kept the body itself, not text made from it: what is read is rendered now.
        body[5] = '2';
        assertThat(log.exchanges()).singleElement().satisfies(e -> {
            assertThat(e.request()).isEqualTo("POST http://127.0.0.1/contacts\n\n{\"n\":2}");
            assertThat(e.response()).isEqualTo("HTTP 200\n\n{}");
        });
    }

    @Test
    void keepsTheFirstFiveAttempts() {
        ExchangeLog log = new ExchangeLog(new Masker(List.of()));
        for (int i = 0; i < 8; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1/c/" + i)).DELETE().build();
            log.failed(request, Optional.empty(), "no answer within 500 ms");
        }
        assertThat(log.exchanges()).hasSize(ExchangeLog.KEPT)
                .extracting(e -> e.request().lines().findFirst().orElseThrow())
                .containsExactly("DELETE http://127.0.0.1/c/0", "DELETE http://127.0.0.1/c/1", "DELETE http://127.0.0.1/c/2",
                        "DELETE http://127.0.0.1/c/3", "DELETE http://127.0.0.1/c/4");
    }
}
