package io.tidemark.server.notify;

import com.sun.net.httpserver.HttpServer;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.server.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookNotifierTest {
    /** Short waits so retries do not slow the suite; the sequence of attempts is what is under test. */
    private static final WebhookNotifier.Retry FAST = new WebhookNotifier.Retry(3, Duration.ofMillis(10), Duration.ofSeconds(10));
    private static final Notification FAILED = new Notification(Notification.RUN_FAILED, "orders", 7L, "failed",
            "connection_failed", "cannot reach db", Instant.parse("2026-03-01T08:00:00Z"), Instant.parse("2026-03-01T08:00:05Z"), "schedule");

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServer server;

    private record Received(String method, String contentType, String body) {}

    /** A receiver on 127.0.0.1 answering the given statuses in turn (the last one thereafter). */
    private URI receiver(BlockingQueue<Received> received, int... statuses) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"), body));
            exchange.sendResponseHeaders(statuses[Math.min(calls.getAndIncrement(), statuses.length - 1)], -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
        client.close();
    }

    @Test
    void postsTheNotificationAsJson() throws Exception {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        URI url = receiver(received, 204);

        try (WebhookNotifier notifier = new WebhookNotifier(url, client, FAST)) {
            notifier.send(FAILED);
            Received request = received.poll(30, TimeUnit.SECONDS);

            assertThat(request).isEqualTo(new Received("POST", "application/json", FAILED.toJson()));
        }
    }

    @Test
    void retriesServerErrorsUntilTheReceiverAccepts() throws Exception {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        URI url = receiver(received, 500, 500, 200);

        try (WebhookNotifier notifier = new WebhookNotifier(url, client, FAST)) {
            notifier.send(FAILED);
        } // close waits for the delivery in flight

        assertThat(received).hasSize(3).extracting(Received::body).containsOnly(FAILED.toJson());
    }

    @Test
    void givesUpAfterTheLastAttempt() throws Exception {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        URI url = receiver(received, 503);

        try (WebhookNotifier notifier = new WebhookNotifier(url, client, FAST)) {
            notifier.send(FAILED);
        }

        assertThat(received).hasSize(3);
    }

    @Test
    void doesNotRetryAPayloadTheReceiverRejects() throws Exception {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        URI url = receiver(received, 400, 200);

        try (WebhookNotifier notifier = new WebhookNotifier(url, client, FAST)) {
            notifier.send(FAILED);
        }

        assertThat(received).hasSize(1);
    }

    @Test
    void unreachableReceiverDoesNotThrowAndIsLoggedWithoutCredentials() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        URI url = URI.create("http://hook-user:hook-pass@127.0.0.1:" + port + "/hook?token=abc123#frag");
        try (LogCapture logs = LogCapture.of(WebhookNotifier.class)) {
            try (WebhookNotifier notifier = new WebhookNotifier(url, client, FAST)) {
                notifier.send(FAILED);
            }

            List<String> lines = logs.messages();
            assertThat(lines).last().asString().startsWith("webhook http://127.0.0.1:" + port
                    + "/hook: run_failed notification for orders (run 7) not delivered after 3 attempt(s)");
            assertThat(String.join("\n", lines)).doesNotContain("hook-pass").doesNotContain("abc123").doesNotContain("hook-user");
        }
    }

    @Test
    void sendAfterCloseIsDroppedWithoutThrowing() throws Exception {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        WebhookNotifier notifier = new WebhookNotifier(receiver(received, 200), client, FAST);
        notifier.close();

        notifier.send(FAILED);

        assertThat(received).isEmpty();
    }

    @Test
    void urlMustBeAbsoluteHttp() {
        for (String url : new String[] {"ftp://example.com/hook", "/relative/hook", "mailto:ops@example.com"}) {
            assertThatThrownBy(() -> new WebhookNotifier(URI.create(url), client))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID))
                    .hasMessageStartingWith("webhook url must be an absolute http:// or https:// URL");
        }
    }

    @Test
    void toStringHidesCredentials() {
        assertThat(new WebhookNotifier(URI.create("https://u:p@hooks.example.com:8443/t/1?key=k"), client))
                .hasToString("WebhookNotifier[https://hooks.example.com:8443/t/1]");
    }
}
