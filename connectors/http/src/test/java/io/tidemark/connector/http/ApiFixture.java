package io.tidemark.connector.http;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeClass;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.DataType;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens {@code http} and {@code capture} destinations the way the engine does, with a clock the test moves and a
 * sleeper that records the waits instead of sleeping (so retries cost no time and their delays can be checked).
 */
final class ApiFixture {
    static final Column EMAIL = new Column("email", DataType.STRING, false, null);
    static final StreamSchema CONTACTS = new StreamSchema(new StreamId(null, "contacts"),
            List.of(EMAIL, Column.of("name", DataType.STRING), Column.of("age", DataType.INT64)), List.of("email"), null);

    final MutableClock clock = new MutableClock();
    /** The waits asked for (pacing and retries), none of them slept. */
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Path workspace;

    ApiFixture(Path workspace) { this.workspace = workspace; }

    ApiDestination http(Map<String, String> values) {
        return new HttpConnectorFactory().open(config(HttpSettings.SPEC, "crm", values), context(), this::sleep, new Random(1));
    }

    ApiDestination capture(Map<String, String> values) {
        return new CaptureConnectorFactory().open(config(CaptureSettings.SPEC, "analytics", values), context(), this::sleep, new Random(1));
    }

    private void sleep(Duration duration) {
        if (duration.isPositive()) sleeps.add(duration);
    }

    ConnectorContext context() { return new ConnectorContext(clock, workspace); }

    /** The values as the workspace loader hands them over: given ones, plus the defaults of the others. */
    static ConnectorConfig config(ConfigSpec spec, String name, Map<String, String> values) {
        Map<String, String> all = new HashMap<>();
        spec.fields().forEach(f -> {
            if (f.defaultValue() != null) all.put(f.name(), f.defaultValue());
        });
        all.putAll(values);
        return new ConnectorConfig(name, spec, all);
    }

    /** Settings of an {@code http} connection to {@code api} with these objects. */
    static Map<String, String> http(FakeApi api, String objects, String... more) {
        Map<String, String> values = new HashMap<>(Map.of(HttpSettings.BASE_URL, api.url().toString(), ObjectsParser.OBJECTS, objects));
        for (int i = 0; i < more.length; i += 2) values.put(more[i], more[i + 1]);
        return values;
    }

    static StreamWriter writer(ApiDestination destination, String object, StreamSchema schema) {
        return destination.open(new WriteRequest("sync_" + object, new StreamId(null, object), schema, WriteMode.CHANGES, 1,
                java.time.Instant.parse("2026-03-01T12:00:00Z"), List.of()));
    }

    static ChangeBatch batch(ChangeClass origin, ChangeOp op, StreamSchema schema, Object[]... rows) {
        return new ChangeBatch(op, new RowBatch(schema, Arrays.asList(rows)), origin);
    }

    static ChangeBatch added(StreamSchema schema, Object[]... rows) { return batch(ChangeClass.ADDED, ChangeOp.UPSERT, schema, rows); }

    static Object[] contact(String email, String name, long age) { return new Object[]{email, name, age}; }

    /** The contacts schema cut to its key: what a removal carries. */
    static StreamSchema keyOnly() { return new StreamSchema(CONTACTS.id(), List.of(EMAIL), List.of("email"), null); }
}
