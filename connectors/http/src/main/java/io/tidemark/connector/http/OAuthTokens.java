package io.tidemark.connector.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Access tokens of the OAuth2 client credentials grant (RFC 6749 §4.4): fetched from the token endpoint with the
 * client's id and secret in a basic {@code Authorization} header (§2.3.1), cached until shortly before
 * {@code expires_in} runs out, and fetched anew when the API refuses the cached one. Thread-safe; concurrent requests
 * that find the token expired fetch one new token between them.
 */
final class OAuthTokens {
    /** Refresh this long before expiry at most (a tenth of the lifetime for short-lived tokens). */
    static final Duration MARGIN = Duration.ofSeconds(60);

    /** The tokens a token answer may hold (RFC 6749 §5.1, OpenID Connect), each masked wherever shown. */
    private static final List<String> ISSUED = List.of("access_token", "refresh_token", "id_token");

    private record Token(String value, Optional<Instant> refreshAt) {}

    private final String connection;
    private final Auth.OAuth2 auth;
    private final Clock clock;
    private final Masker masker;
    /** A lock rather than a monitor: requests wait here on virtual threads while a token is fetched. */
    private final ReentrantLock lock = new ReentrantLock();
    private Token current;

    OAuthTokens(String connection, Auth.OAuth2 auth, Clock clock, Masker masker) {
        this.connection = connection;
        this.auth = auth;
        this.clock = clock;
        this.masker = masker;
    }

    /**
     * The token to send now, fetching one when there is none or it is about to expire.
     *
     * @param send sends the token request (retrying what is transient) and returns the answer
     */
    String current(Function<ApiRequest, Answer> send) {
        lock.lock();
        try {
            Instant now = clock.instant();
            if (current == null || current.refreshAt().map(at -> !now.isBefore(at)).orElse(false)) current = fetch(send, now);
            return current.value();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code refused}, which the API did not accept, unless another request already replaced it. */
    void invalidate(String refused) {
        lock.lock();
        try {
            if (current != null && current.value().equals(refused)) current = null;
        } finally {
            lock.unlock();
        }
    }

    private Token fetch(Function<ApiRequest, Answer> send, Instant now) {
        String body = "grant_type=client_credentials" + auth.scope().map(s -> "&scope=" + Auth.formEncoded(s)).orElse("");
        ApiRequest request = new ApiRequest("POST", auth.tokenUrl(), List.of(
                Map.entry("Authorization", "Basic " + auth.basicCredentials()),
                Map.entry("Content-Type", "application/x-www-form-urlencoded"),
                Map.entry("Accept", "application/json")), Optional.of(body.getBytes(StandardCharsets.UTF_8)));
        Answer answer = send.apply(request);
        if (!answer.ok()) {
            throw new TidemarkException(ErrorCode.AUTHENTICATION_FAILED, "connection \"" + connection + "\": the token endpoint "
                    + auth.tokenUrl() + " refused the client credentials (" + answer.summary(masker)
                    + "); check client_id, client_secret and scope");
        }
        JsonNode json;
        try {
            json = JsonValues.MAPPER.readTree(answer.body());
        } catch (JacksonException e) {
            json = null;
        }
        if (json != null) {
            // Masked before anything could show them: the answer itself is shown by test-row.
            masker.addTokens(ISSUED.stream().map(json::get).filter(t -> t != null && t.isTextual() && !t.textValue().isEmpty())
                    .map(JsonNode::textValue).toList());
        }
        JsonNode token = json == null ? null : json.get("access_token");
        if (token == null || !token.isTextual() || token.textValue().isEmpty()) {
            throw new TidemarkException(ErrorCode.AUTHENTICATION_FAILED, "connection \"" + connection + "\": the token endpoint "
                    + auth.tokenUrl() + " answered without an access_token; check token_url (it must be the OAuth2 token endpoint)");
        }
        JsonNode expiresIn = json.get("expires_in");
        Optional<Instant> refreshAt = Optional.empty();
        if (expiresIn != null && (expiresIn.isNumber() || expiresIn.isTextual() && expiresIn.asText().matches("\\d+"))) {
            Duration lifetime = Duration.ofSeconds(expiresIn.asLong());
            Duration margin = lifetime.dividedBy(10).compareTo(MARGIN) < 0 ? lifetime.dividedBy(10) : MARGIN;
            refreshAt = Optional.of(now.plus(lifetime).minus(margin));
        }
        return new Token(token.textValue(), refreshAt);
    }
}
