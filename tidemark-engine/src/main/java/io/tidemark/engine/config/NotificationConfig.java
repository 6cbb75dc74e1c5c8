package io.tidemark.engine.config;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the server reports runs ({@code notifications:} in the workspace): every failed run, and with
 * {@code onRecovery} also the first success after a failure.
 *
 * @param webhookUrl an absolute http or https URL; its path and query may hold a token, so {@link #redactedUrl()} is
 *                   what may be shown or logged
 */
public record NotificationConfig(URI webhookUrl, boolean onRecovery) {
    public NotificationConfig {
        Objects.requireNonNull(webhookUrl, "webhookUrl");
        String scheme = webhookUrl.getScheme() == null ? "" : webhookUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || webhookUrl.getHost() == null) {
            throw new IllegalArgumentException("a webhook URL is an absolute http or https URL with a host");
        }
    }

    /** Scheme, host and port only, e.g. {@code https://hooks.example.com/…}: webhook paths often carry the secret. */
    public String redactedUrl() {
        boolean more = webhookUrl.getRawPath() != null && !webhookUrl.getRawPath().isEmpty() && !webhookUrl.getRawPath().equals("/")
                || webhookUrl.getRawQuery() != null;
        return webhookUrl.getScheme() + "://" + webhookUrl.getHost() + (webhookUrl.getPort() < 0 ? "" : ":" + webhookUrl.getPort())
                + (more ? "/…" : "");
    }

    @Override
    public String toString() { return "NotificationConfig[" + redactedUrl() + ", onRecovery=" + onRecovery + "]"; }
}
