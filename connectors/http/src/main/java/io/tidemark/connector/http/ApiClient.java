package io.tidemark.connector.http;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Sends requests to one API: authenticated, paced ({@link AdaptiveRate}, {@link AdaptiveConcurrency}) and retried.
 *
 * <p>{@link #send} returns the answers the caller judges (2xx, and 4xx other than 401 and 403) and throws for the
 * rest: 401 after one token refresh (OAuth2) as {@link ErrorCode#AUTHENTICATION_FAILED}; 403 as
 * {@link ErrorCode#PERMISSION_DENIED}; a redirect as {@link ErrorCode#CONFIG_INVALID}; 408, 425, 429, 5xx, timeouts and
 * connection failures are resent after {@link Backoff} (never before {@code Retry-After}), and once {@code max_retries}
 * resends failed too, or at once when {@code Retry-After} asks for more than {@link RetryAfter#LONGEST}, as
 * {@link ErrorCode#CONNECTION_FAILED}. Messages mask every secret. Thread-safe.
 */
final class ApiClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiClient.class);

    private final String connection;
    private final Auth auth;
    private final Delivery delivery;
    private final Masker masker;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Backoff backoff;
    private final AdaptiveConcurrency concurrency;
    private final AdaptiveRate rate;
    private final Optional<OAuthTokens> tokens;
    private final HttpClient http;

    ApiClient(String connection, Auth auth, Delivery delivery, Masker masker, Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.connection = connection;
        this.auth = auth;
        this.delivery = delivery;
        this.masker = masker;
        this.clock = clock;
        this.sleeper = sleeper;
        this.backoff = new Backoff(random);
        this.rate = new AdaptiveRate(delivery.requestsPerSecond(), clock);
        this.concurrency = new AdaptiveConcurrency(delivery.maxConcurrency(), clock, rate::rate);
        this.tokens = auth instanceof Auth.OAuth2 o ? Optional.of(new OAuthTokens(connection, o, clock, masker)) : Optional.empty();
        // Redirects are not followed: a POST redirected becomes a GET, and a moved API is a settings error to fix.
        this.http = HttpClient.newBuilder().connectTimeout(delivery.requestTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Sends {@code request} to the API, paced and with the connection's credentials.
     *
     * @param what names the request in messages, e.g. {@code object contacts, added records (objects.contacts.added)}
     */
    Answer send(ApiRequest request, String what, ExchangeLog log) {
        boolean refreshed = false;
        int retry = 0;
        while (true) {
            Optional<String> token = tokens.map(t -> t.current(r -> unpaced(r, "the OAuth2 token request", log)));
            Attempt attempt = paced(build(request, authorization(token), what), request.body(), log);
            if (attempt.answer().filter(Answer::ok).isPresent()) return attempt.answer().get();
            int status = attempt.answer().map(Answer::status).orElse(0);
            if (status == 401) {
                if (token.isPresent() && !refreshed) {
                    // The token may have been revoked or expired early: fetch a new one, once per request.
                    tokens.get().invalidate(token.get());
                    refreshed = true;
                    continue;
                }
                throw new TidemarkException(ErrorCode.AUTHENTICATION_FAILED, where(request, what) + " was refused as unauthenticated ("
                        + attempt.answer().get().summary(masker) + "); " + auth.credentialsHint());
            }
            if (status == 403) {
                throw new TidemarkException(ErrorCode.PERMISSION_DENIED, where(request, what) + " was forbidden ("
                        + attempt.answer().get().summary(masker) + "); give the credentials permission for it at the API, "
                        + "or change the request");
            }
            if (!attempt.isTransient()) return checkedNotRedirect(attempt.answer().get(), request, what);
            retry = retryOrFail(retry, attempt, request, what);
        }
    }

    /** One unpaced, unauthenticated {@code HEAD} without retries: whether the server answers at all (for {@code check}). */
    Answer reach(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(delivery.requestTimeout()).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (InterruptedException e) {
            throw cancelled(e);
        }
    }

    /** For OAuth2, fetches a token now, to prove the client credentials; what was checked, or empty for other auth. */
    Optional<String> authenticate(ExchangeLog log) {
        return tokens.map(t -> {
            t.current(r -> unpaced(r, "the OAuth2 token request", log));
            return "fetched an OAuth2 access token from " + ((Auth.OAuth2) auth).tokenUrl();
        });
    }

    /** The pace in requests a second now; infinite while requests are not paced. */
    double pace() { return rate.rate(); }

    /** Abandons what is still in flight (nothing, once every apply returned) rather than waiting for it. */
    @Override
    public void close() {
        LOG.debug("connection {}: closing with {} requests in flight allowed, pacing at {} requests a second", connection,
                concurrency.limit(), pace());
        http.shutdownNow();
    }

    /** Sends without pacing or the API's credentials (the token request), retrying what is transient. */
    private Answer unpaced(ApiRequest request, String what, ExchangeLog log) {
        int retry = 0;
        while (true) {
            Attempt attempt = once(build(request, Optional.empty(), what), request.body(), log);
            if (!attempt.isTransient()) return checkedNotRedirect(attempt.answer().orElseThrow(), request, what);
            retry = retryOrFail(retry, attempt, request, what);
        }
    }

    private int retryOrFail(int retry, Attempt attempt, ApiRequest request, String what) {
        Optional<String> retryAfterHeader = attempt.answer().flatMap(a -> a.headers().firstValue("Retry-After"));
        Optional<Duration> retryAfter = RetryAfter.parse(retryAfterHeader, clock.instant());
        if (retryAfter.filter(wait -> wait.compareTo(RetryAfter.LONGEST) > 0).isPresent()) {
            throw new TidemarkException(ErrorCode.CONNECTION_FAILED, where(request, what) + " was answered " + attempt.describe(masker)
                    + ", asking to wait " + retryAfter.get().toSeconds() + " s before resending (Retry-After: " + retryAfterHeader.get()
                    + "), longer than the " + RetryAfter.LONGEST.toMinutes() + " minutes a run waits. Nothing of this run is committed: "
                    + "the next run sends its records again; schedule it for when the API takes requests again");
        }
        if (retry >= delivery.maxRetries()) {
            throw new TidemarkException(ErrorCode.CONNECTION_FAILED, where(request, what) + " failed " + (retry + 1) + " times (last: "
                    + attempt.describe(masker) + "); the API is unavailable or overloaded. Nothing of this run is committed: the next "
                    + "run sends its records again; raise max_retries or lower requests_per_second if this recurs");
        }
        Duration delay = backoff.delay(retry, retryAfter);
        LOG.debug("connection {}: {} {} failed ({}); resending in {} ms", connection, request.method(),
                masker.mask(request.uri().toString()), attempt.describe(masker), delay.toMillis());
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            throw cancelled(e);
        }
        return retry + 1;
    }

    private Answer checkedNotRedirect(Answer answer, ApiRequest request, String what) {
        if (answer.status() >= 300 && answer.status() < 400) {
            String location = answer.headers().firstValue("Location").map(l -> " to " + masker.mask(l)).orElse("");
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, where(request, what) + " was redirected" + location + " (HTTP "
                    + answer.status() + "); Tidemark does not follow redirects: set the connection's URL to where the API is now");
        }
        return answer;
    }

    /** One attempt holding a concurrency permit, sent at its paced slot; the limits learn from how it went. */
    private Attempt paced(HttpRequest request, Optional<byte[]> body, ExchangeLog log) {
        AdaptiveConcurrency.Permit permit;
        try {
            permit = concurrency.acquire();
        } catch (InterruptedException e) {
            throw cancelled(e);
        }
        AdaptiveConcurrency.Outcome outcome = AdaptiveConcurrency.Outcome.FAILED;
        Duration latency = Duration.ZERO;
        try {
            sleeper.sleep(rate.reserve());
            Instant start = clock.instant();
            Attempt attempt = once(request, body, log);
            latency = Duration.between(start, clock.instant());
            outcome = attempt.outcome();
            tellPacer(attempt);
            return attempt;
        } catch (InterruptedException e) {
            throw cancelled(e);
        } finally {
            concurrency.release(permit, outcome, latency);
        }
    }

    /**
     * Tells the pacer how a paced attempt went. A 429 is the API's rate limit. A 503 or a timeout while requests are
     * paced is throttling too: the concurrency limit's floor (what the pace needs in flight) undoes its own cut for
     * them, so only a slower pace relieves the API. Unpaced, they do not start pacing (that is the 429's role, which
     * says what rate the API takes); as answers the API did not accept, they are not counted as accepted either.
     */
    private void tellPacer(Attempt attempt) {
        boolean limited = attempt.answer().filter(a -> a.status() == 429).isPresent();
        boolean overloaded = attempt.answer().map(a -> a.status() == 503).orElseGet(() -> attempt.failure().orElseThrow().timedOut());
        // A finite pace stays finite, so this reading cannot be overtaken by another thread's answer.
        boolean paced = Double.isFinite(rate.rate());
        if (limited || overloaded && paced) rate.onAnswer(true);
        else if (attempt.answer().isPresent() && !overloaded) rate.onAnswer(false);
    }

    private Attempt once(HttpRequest request, Optional<byte[]> body, ExchangeLog log) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Answer answer = new Answer(response.statusCode(), response.headers(), response.body());
            log.answered(request, body, answer);
            return new Attempt(Optional.of(answer), Optional.empty());
        } catch (HttpConnectTimeoutException e) {
            return failed(request, body, log, "no connection within " + delivery.requestTimeout().toMillis() + " ms", false);
        } catch (HttpTimeoutException e) {
            return failed(request, body, log, "no answer within " + delivery.requestTimeout().toMillis() + " ms", true);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return failed(request, body, log, reason, false);
        } catch (InterruptedException e) {
            throw cancelled(e);
        }
    }

    private static Attempt failed(HttpRequest request, Optional<byte[]> body, ExchangeLog log, String failure, boolean timedOut) {
        log.failed(request, body, failure);
        return new Attempt(Optional.empty(), Optional.of(new Failure(failure, timedOut)));
    }

    /**
     * The request for the JDK's client. What the client refuses (a header value it cannot carry, which settings and
     * plans check before, or an access token the API issued with a line break) fails the run without the client's
     * exception as the cause: its message quotes the header value, which may be a secret.
     */
    private HttpRequest build(ApiRequest request, Optional<Map.Entry<String, String>> credentials, String what) {
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(delivery.requestTimeout())
                    .method(request.method(), request.body().map(HttpRequest.BodyPublishers::ofByteArray).orElse(HttpRequest.BodyPublishers.noBody()));
            credentials.ifPresent(h -> builder.setHeader(h.getKey(), h.getValue()));
            for (Map.Entry<String, String> h : request.headers()) builder.setHeader(h.getKey(), h.getValue());
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, where(request, what) + " cannot be sent: the HTTP client refused it ("
                    + masker.mask(String.valueOf(e.getMessage())) + "); check the connection's credentials and the object's url and headers");
        }
    }

    /** The credentials header; configured headers come after it, so an object may override it. */
    private Optional<Map.Entry<String, String>> authorization(Optional<String> token) {
        return switch (auth) {
            case Auth.None n -> Optional.empty();
            case Auth.Bearer b -> Optional.of(Map.entry("Authorization", "Bearer " + b.token()));
            case Auth.Basic b -> Optional.of(Map.entry("Authorization", "Basic " + Auth.basic(b.username(), b.password())));
            case Auth.ApiKey k -> Optional.of(Map.entry(k.header(), k.key()));
            case Auth.OAuth2 o -> token.map(t -> Map.entry("Authorization", "Bearer " + t));
        };
    }

    private String where(ApiRequest request, String what) {
        return "connection \"" + connection + "\": " + request.method() + " " + masker.mask(request.uri().toString()) + " (" + what + ")";
    }

    private static TidemarkException cancelled(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new TidemarkException(ErrorCode.CANCELLED, "interrupted while sending requests; the run stops and the next one sends them again", e);
    }

    private record Failure(String description, boolean timedOut) {}

    /** One try of a request: an answer, or why there was none. */
    private record Attempt(Optional<Answer> answer, Optional<Failure> failure) {
        /** 408, 425, 429, 5xx, a timeout or a connection failure: worth sending again. */
        boolean isTransient() {
            if (answer.isEmpty()) return true;
            int s = answer.get().status();
            return s == 408 || s == 425 || s == 429 || s >= 500;
        }

        AdaptiveConcurrency.Outcome outcome() {
            if (failure.isPresent()) {
                return failure.get().timedOut() ? AdaptiveConcurrency.Outcome.OVERLOADED : AdaptiveConcurrency.Outcome.FAILED;
            }
            int s = answer.get().status();
            if (s == 408 || s == 429 || s == 503) return AdaptiveConcurrency.Outcome.OVERLOADED;
            return s >= 500 ? AdaptiveConcurrency.Outcome.FAILED : AdaptiveConcurrency.Outcome.ANSWERED;
        }

        String describe(Masker masker) {
            return answer.map(a -> a.summary(masker)).orElseGet(() -> masker.mask(failure.orElseThrow().description()));
        }
    }
}
