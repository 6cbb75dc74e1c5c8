package io.tidemark.connector.http;

import io.tidemark.api.WireExchange;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first few requests of one {@code apply} (every attempt, token requests included) and their answers, as text with
 * secrets masked, for {@code test-row} to show. Masked when read, so that an access token fetched by the apply is
 * masked in the token endpoint's answer too. Thread-safe: the requests of one apply may go concurrently.
 */
final class ExchangeLog {
    static final int KEPT = 5;
    private static final int BODY_SHOWN = 64 * 1024;

    private final Masker masker;
    /** Unmasked until {@link #exchanges()}. */
    private final List<WireExchange> exchanges = new ArrayList<>(KEPT);

    ExchangeLog(Masker masker) { this.masker = masker; }

    /** Whether another exchange would be kept: rendering one costs, so callers ask first. */
    synchronized boolean wantsMore() { return exchanges.size() < KEPT; }

    void answered(HttpRequest request, Optional<byte[]> body, Answer answer) {
        if (!wantsMore()) return;
        StringBuilder response = new StringBuilder("HTTP ").append(answer.status()).append('\n');
        answer.headers().map().forEach((name, values) -> values.forEach(v -> response.append(name).append(": ").append(v).append('\n')));
        add(request, body, response.append('\n').append(shorten(answer.body())).toString());
    }

    void failed(HttpRequest request, Optional<byte[]> body, String failure) {
        if (wantsMore()) add(request, body, "no answer: " + failure);
    }

    synchronized List<WireExchange> exchanges() {
        return exchanges.stream().map(e -> new WireExchange(masker.mask(e.request()), masker.mask(e.response()))).toList();
    }

    private void add(HttpRequest request, Optional<byte[]> body, String response) {
        StringBuilder text = new StringBuilder(request.method()).append(' ').append(request.uri()).append('\n');
        request.headers().map().forEach((name, values) -> values.forEach(v -> text.append(name).append(": ")
                .append(name.equalsIgnoreCase("Authorization") ? maskedAuthorization(v) : v).append('\n')));
        body.ifPresent(b -> text.append('\n').append(shorten(new String(b, StandardCharsets.UTF_8))));
        WireExchange exchange = new WireExchange(text.toString(), response);
        synchronized (this) {
            if (exchanges.size() < KEPT) exchanges.add(exchange);
        }
    }

    /** Keeps the scheme ({@code Bearer ******}, {@code Basic ******}) so a reader sees which went; never the credentials. */
    private static String maskedAuthorization(String value) {
        int space = value.indexOf(' ');
        return space > 0 ? value.substring(0, space) + ' ' + Masker.MASK : Masker.MASK;
    }

    private static String shorten(String text) {
        if (text == null) return "";
        return text.length() <= BODY_SHOWN ? text : text.substring(0, BODY_SHOWN) + "… (" + (text.length() - BODY_SHOWN) + " more characters)";
    }
}
