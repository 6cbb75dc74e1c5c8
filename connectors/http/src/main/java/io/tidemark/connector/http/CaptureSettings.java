package io.tidemark.connector.http;

import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a {@code capture} connection.
 *
 * @param historicalMigration sent with every batch: the API then treats the events as an import of past data
 */
record CaptureSettings(URI url, String apiKey, boolean historicalMigration, int batchSize, Delivery delivery) {
    static final String URL = "url";
    static final String API_KEY = "api_key";
    static final String HISTORICAL_MIGRATION = "historical_migration";
    static final String BATCH_SIZE = "batch_size";

    static final ConfigSpec SPEC;

    static {
        List<ConfigField> fields = new ArrayList<>();
        fields.add(ConfigField.required(URL, ConfigField.Type.STRING, "the capture API's root URL; events go to <url>/batch"));
        fields.add(new ConfigField(API_KEY, ConfigField.Type.STRING, true, true, null, "the project's API key, sent in each batch's body"));
        fields.add(ConfigField.optional(HISTORICAL_MIGRATION, ConfigField.Type.BOOLEAN, "false",
                "mark batches as a migration of past events (the API may ingest them on a slower, unthrottled path)"));
        fields.add(ConfigField.optional(BATCH_SIZE, ConfigField.Type.INTEGER, "100", "most events per request"));
        fields.addAll(Delivery.FIELDS);
        SPEC = new ConfigSpec(fields);
    }

    static Checked<CaptureSettings> read(ConnectorConfig config) {
        SettingsReader settings = new SettingsReader(config);
        URI url = settings.httpUrl(URL, "(the capture API's root URL, e.g. https://us.i.posthog.com)");
        String apiKey = settings.required(API_KEY, "(the project's API key)");
        settings.secret(API_KEY, apiKey, false);
        boolean historical = settings.bool(HISTORICAL_MIGRATION);
        int batchSize = settings.integer(BATCH_SIZE, 1, 100_000);
        Delivery delivery = Delivery.read(settings);
        return settings.result(() -> new CaptureSettings(url, apiKey, historical, batchSize, delivery));
    }
}
