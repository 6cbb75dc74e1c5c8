package io.tidemark.connector.http;

import java.util.Optional;

/**
 * What an HTTP header value may hold, as the JDK's client checks it before sending (RFC 9110 field values: visible
 * characters, spaces and tabs, in Latin-1). The client refuses anything else with the value in its message, and a
 * value may hold a secret, so values are checked here first and problems are described without quoting them.
 */
final class HeaderValues {
    private HeaderValues() {}

    /** What in {@code value} a header cannot carry, e.g. {@code a line break}; empty when it can be sent. */
    static Optional<String> unsendable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') return Optional.of("a line break");
            if (c < 0x20 && c != '\t' || c == 0x7f) return Optional.of("a control character");
            if (c > 0xff) return Optional.of("a character beyond Latin-1 (above U+00FF)");
        }
        return Optional.empty();
    }
}
