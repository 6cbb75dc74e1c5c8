package io.tidemark.server.notify;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts {@link Notification}s as JSON to one webhook URL. {@link #send} returns at once and delivers on a virtual
 * thread, retrying failures that may pass ({@link Retry}); nothing about delivery is ever thrown into the caller: a
 * notification that cannot be delivered is logged and dropped, since a broken receiver must not fail a run.
 *
 * <p>Logs name the URL without its user info, query and fragment, where receivers commonly carry credentials
 * ({@code https://hooks.example.com/T0/B0?token=…}).
 */
public final class WebhookNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    /**
     * How a delivery is retried: up to {@code attempts} requests, waiting {@code firstBackoff} after the first
     * failure and twice as long after each further one; each request times out after {@code requestTimeout}.
     * Connection errors, timeouts, 408, 429 and 5xx responses are retried; other responses are final, since the
     * receiver would reject the same payload again.
     */
    public record Retry(int attempts, Duration firstBackoff, Duration requestTimeout) {
        /** 3 attempts, 1 s then 2 s apart, 10 s per request. */
        public static final Retry DEFAULT = new Retry(3, Duration.ofSeconds(1), Duration.ofSeconds(10));

        public Retry {
            if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
            if (firstBackoff.isNegative()) throw new IllegalArgumentException("firstBackoff must not be negative");
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive");
            }
        }

        /** The wait after failed attempt {@code attempt} (1-based). */
        Duration backoffAfter(int attempt) {
            return firstBackoff.multipliedBy(1L << (attempt - 1));
        }
    }

    private final URI url;
    private final String shownUrl;
    private final HttpClient client;
    private final Retry retry;
    private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger inFlight = new AtomicInteger();

    /** A notifier with {@link Retry#DEFAULT}. */
    public WebhookNotifier(URI url, HttpClient client) {
        this(url, client, Retry.DEFAULT);
    }

    /**
     * @param client used as given (its redirect and proxy settings apply); not closed by {@link #close()}
     * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} when the URL is not an absolute http(s) URL
     */
    public WebhookNotifier(URI url, HttpClient client, Retry retry) {
        this.url = Objects.requireNonNull(url, "url");
        this.client = Objects.requireNonNull(client, "client");
        this.retry = Objects.requireNonNull(retry, "retry");
        if (!("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme())) || url.getHost() == null) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "webhook url must be an absolute http:// or https:// URL "
                    + "with a host, e.g. https://hooks.example.com/tidemark");
        }
        this.shownUrl = withoutCredentials(url);
    }

    /** Queues the notification for delivery and returns at once; after {@link #close()} it is logged and dropped. */
    public void send(Notification notification) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(retry.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Tidemark")
                .POST(HttpRequest.BodyPublishers.ofString(notification.toJson()))
                .build();
        inFlight.incrementAndGet();
        try {
            deliveries.execute(() -> {
                try {
                    deliver(notification, request);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            log.warn("webhook {}: notifier is closed; {} not sent", shownUrl, describe(notification));
        }
    }

    /** Stops taking notifications and waits up to 10 s for those in flight; any still pending then are abandoned. */
    @Override
    public void close() {
        deliveries.shutdown();
        try {
            if (!deliveries.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("webhook {}: {} notification(s) still undelivered after {} s; abandoning them",
                        shownUrl, inFlight.get(), CLOSE_WAIT.toSeconds());
                deliveries.shutdownNow();
            }
        } catch (InterruptedException e) {
            deliveries.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + shownUrl + "]";
    }

    private void deliver(Notification notification, HttpRequest request) {
        for (int attempt = 1; ; attempt++) {
            String failure;
            boolean retryable;
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) return;
                failure = "HTTP " + status;
                retryable = status == 408 || status == 429 || status >= 500;
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().replace(url.toString(), shownUrl));
                retryable = true;
            } catch (InterruptedException e) {
                abandoned(notification);
                return;
            } catch (RuntimeException e) {
                log.error("webhook {}: {} not delivered", shownUrl, describe(notification), e);
                return;
            }
            if (!retryable || attempt == retry.attempts()) {
                log.warn("webhook {}: {} not delivered after {} attempt(s): {}", shownUrl, describe(notification), attempt, failure);
                return;
            }
            Duration backoff = retry.backoffAfter(attempt);
            log.info("webhook {}: attempt {} of {} for {} failed ({}); retrying in {} ms", shownUrl, attempt, retry.attempts(),
                    describe(notification), failure, backoff.toMillis());
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                abandoned(notification);
                return;
            }
        }
    }

    /** Interrupted by {@link #close()} giving up: the delivery ends here. */
    private void abandoned(Notification notification) {
        log.warn("webhook {}: {} abandoned at shutdown", shownUrl, describe(notification));
        Thread.currentThread().interrupt();
    }

    private static String describe(Notification n) {
        return n.event() + " notification for " + n.name() + (n.runId() == null ? "" : " (run " + n.runId() + ")");
    }

    /** The URL as logs show it: scheme, host, port and path only. */
    static String withoutCredentials(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
