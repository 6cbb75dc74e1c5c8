package io.tidemark.connector.http;

import java.net.http.HttpHeaders;

/** What the API answered: the status, headers and body text. */
record Answer(int status, HttpHeaders headers, String body) {
    /** Characters of the body a message or a refusal's reason quotes. */
    static final int SUMMARY_BODY = 1000;

    boolean ok() { return status >= 200 && status < 300; }

    /** The status and the body, secrets masked, then shortened: for a message or a refusal's reason. */
    String summary(Masker masker) {
        String text = body == null ? "" : body.strip();
        return "HTTP " + status + (text.isEmpty() ? "" : ": " + masker.maskAndShorten(text, SUMMARY_BODY));
    }
}
