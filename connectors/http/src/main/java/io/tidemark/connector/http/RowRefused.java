package io.tidemark.connector.http;

/**
 * A record that cannot become a request (a null value where the URL needs one, a JSON column holding invalid JSON):
 * it is refused without being sent, and the rest of the batch goes on.
 */
final class RowRefused extends RuntimeException {
    RowRefused(String reason) {
        super(reason, null, false, false);
    }
}
