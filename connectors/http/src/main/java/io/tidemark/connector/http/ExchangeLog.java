package io.tidemark.connector.http;

import io.tidemark.api.WireExchange;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first few requests of one {@code apply} (every attempt, token requests included) and their answers, for
 * {@code test-row} to show. Sending keeps references only; the text is rendered and masked when read, since an apply
 * almost never is (at a thousand requests a second, rendering each apply's exchanges would cost CPU for nothing), and
 * so that a token fetched by the apply is masked in the token endpoint's answer too. Thread-safe: the requests of one
 * apply may go concurrently.
 */
final class ExchangeLog {
    static final int KEPT = 5;
    /** Characters of a body shown. */
    static final int BODY_SHOWN = 64 * 1024;

    /** One attempt as it went: the answer, or why there was none. */
    private record Kept(HttpRequest request, Optional<byte[]> body, Optional<Answer> answer, String failure) {}

    private final Masker masker;
    /** Guarded by this. */
    private final List<Kept> kept = new ArrayList<>(KEPT);

    ExchangeLog(Masker masker) { this.masker = masker; }

    void answered(HttpRequest request, Optional<byte[]> body, Answer answer) { keep(new Kept(request, body, Optional.of(answer), "")); }

    void failed(HttpRequest request, Optional<byte[]> body, String failure) { keep(new Kept(request, body, Optional.empty(), failure)); }

    /** The exchanges kept, as text: secrets masked, then bodies shortened to {@value #BODY_SHOWN} characters. */
    List<WireExchange> exchanges() {
        List<Kept> copy;
        synchronized (this) {
            copy = List.copyOf(kept);
        }
        return copy.stream().map(this::render).toList();
    }

    private synchronized void keep(Kept exchange) {
        if (kept.size() < KEPT) kept.add(exchange);
    }

    private WireExchange render(Kept exchange) {
        HttpRequest request = exchange.request();
        StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.uri()).append('\n');
        appendHeaders(head, request.headers());
        String sent = masker.mask(head.toString())
                + exchange.body().map(b -> "\n" + masker.maskAndShorten(new String(b, StandardCharsets.UTF_8), BODY_SHOWN)).orElse("");
        String answered = exchange.answer().map(a -> {
            StringBuilder status = new StringBuilder("HTTP ").append(a.status()).append('\n');
            appendHeaders(status, a.headers());
            return masker.mask(status.toString()) + "\n" + masker.maskAndShorten(a.body(), BODY_SHOWN);
        }).orElseGet(() -> "no answer: " + masker.mask(exchange.failure()));
        return new WireExchange(sent, answered);
    }

    private static void appendHeaders(StringBuilder text, HttpHeaders headers) {
        headers.map().forEach((name, values) -> values.forEach(v -> text.append(name).append(": ")
                .append(name.equalsIgnoreCase("Authorization") ? maskedAuthorization(v) : v).append('\n')));
    }

    /** Keeps the scheme ({@code Bearer ******}, {@code Basic ******}) so a reader sees which went; never the credentials. */
    private static String maskedAuthorization(String value) {
        int space = value.indexOf(' ');
        return space > 0 ? value.substring(0, space) + ' ' + Masker.MASK : Masker.MASK;
    }
}
