package io.tidemark.api;

import java.util.Objects;

/**
 * One request a destination sent over the wire and the answer it got, as text for a person to read: the request line,
 * headers and body; the status line, headers and body. Secrets are masked ({@code ******}).
 *
 * @param response the answer, or what went wrong when there was none (a timeout, a refused connection)
 */
public record WireExchange(String request, String response) {
    public WireExchange {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
    }
}
