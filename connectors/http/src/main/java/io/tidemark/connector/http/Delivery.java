package io.tidemark.connector.http;

import io.tidemark.api.ConfigField;

import java.time.Duration;
import java.util.List;

/**
 * How requests go to an API, the same for every connector of this module: the ceilings the adaptive pacing stays
 * under, how long a request may take and how often a transient failure is retried.
 *
 * @param requestsPerSecond 0 for no ceiling (the pace still drops when the API answers 429)
 */
record Delivery(int requestsPerSecond, int maxConcurrency, Duration requestTimeout, int maxRetries) {
    static final String REQUESTS_PER_SECOND = "requests_per_second";
    static final String MAX_CONCURRENCY = "max_concurrency";
    static final String REQUEST_TIMEOUT_MS = "request_timeout_ms";
    static final String MAX_RETRIES = "max_retries";

    static final List<ConfigField> FIELDS = List.of(
            ConfigField.optional(REQUESTS_PER_SECOND, ConfigField.Type.INTEGER, "0",
                    "most requests a second sent to the API; 0 = no ceiling (the pace still drops when the API answers 429)"),
            ConfigField.optional(MAX_CONCURRENCY, ConfigField.Type.INTEGER, "16",
                    "most requests in flight at once; the adaptive limit starts at 4 and stays at or below it"),
            ConfigField.optional(REQUEST_TIMEOUT_MS, ConfigField.Type.INTEGER, "30000",
                    "milliseconds a request may take before it counts as failed (and is retried)"),
            ConfigField.optional(MAX_RETRIES, ConfigField.Type.INTEGER, "8",
                    "resends of a request that failed transiently (429, 5xx, timeouts) before the run fails"));

    static Delivery read(SettingsReader settings) {
        return new Delivery(
                settings.integer(REQUESTS_PER_SECOND, 0, 1_000_000),
                settings.integer(MAX_CONCURRENCY, 1, 1024),
                Duration.ofMillis(settings.integer(REQUEST_TIMEOUT_MS, 1, 3_600_000)),
                settings.integer(MAX_RETRIES, 0, 100));
    }
}
