package io.tidemark.connector.http;

import java.net.http.HttpHeaders;

/** What the API answered: the status, headers and body text. */
record Answer(int status, HttpHeaders headers, String body) {
    boolean ok() { return status >= 200 && status < 300; }

    /** The status and the body, shortened, for a message or a refusal's reason (mask it before showing). */
    String summary() {
        String text = body == null ? "" : body.strip();
        if (text.length() > 1000) text = text.substring(0, 1000) + "… (" + (text.length() - 1000) + " more characters)";
        return "HTTP " + status + (text.isEmpty() ? "" : ": " + text);
    }
}
