package io.tidemark.connector.http;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeClass;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/**
 * The requests of a {@code capture} connection: records become analytics events, sent in batches as
 * {@code POST <url>/batch} with {@code {"api_key", "historical_migration", "batch": [events]}}. The object (the sync's
 * {@code table}) says what a record is:
 *
 * <ul>
 *   <li>{@code events}: fields {@code event} and {@code distinct_id} (required), {@code timestamp} and {@code uuid}
 *   (optional); every other field is a property, dotted names nesting ({@code $set.email} goes to
 *   {@code properties.$set.email}).</li>
 *   <li>{@code persons}: a {@code $set} event for {@code distinct_id}; fields {@code $set.x} and {@code $set_once.x}
 *   go to those groups, other fields to {@code $set}.</li>
 *   <li>{@code aliases}: a {@code $create_alias} event with properties {@code distinct_id} and {@code alias}; a record
 *   without {@code distinct_id} has nothing to alias and is accepted without being sent, one without {@code alias} is
 *   refused.</li>
 * </ul>
 *
 * <p>{@code distinct_id} and {@code alias} are sent as JSON strings whatever their type (exports often hold numeric
 * user ids; capture APIs compare ids as text). The fields that find records (the schema's primary key: the sync's
 * {@code record_matching} or primary key) are not properties: they make the event's uuid, and are sent only where
 * they are one of the fields above. Null properties are left out.
 *
 * <p>Without a {@code uuid} field each event gets a name-based UUID of the sync, the object and the record's key (for
 * persons and aliases also its properties, which hold an alias's both ids, so that each new state is a new event while
 * a resend of the same state is not), so a capture API that de-duplicates on {@code uuid} absorbs resends. Capture APIs cannot delete or change what they
 * received, so a batch of removed records fails as unsupported.
 */
final class CapturePlan implements RequestPlan {
    /** The objects a capture connection offers. */
    enum Kind {
        EVENTS("event", "distinct_id"), PERSONS("distinct_id"), ALIASES("distinct_id", "alias");

        final List<String> required;

        Kind(String... required) { this.required = List.of(required); }

        String objectName() { return name().toLowerCase(Locale.ROOT); }

        static Optional<Kind> of(String name) {
            return Arrays.stream(values()).filter(k -> k.objectName().equals(name)).findFirst();
        }

        static String names() { return Arrays.stream(values()).map(Kind::objectName).collect(Collectors.joining(", ")); }
    }

    private static final Set<String> TOP_LEVEL = Set.of("event", "distinct_id", "timestamp", "uuid");
    private static final String SET = "$set";
    private static final String SET_ONCE = "$set_once";

    /** Where an event's parts are in a batch's rows. */
    private record Shape(int event, int distinctId, int alias, int timestamp, int uuid, int[] key, StreamSchema schema,
                         RecordShape properties) {}

    private final String connection;
    private final Kind kind;
    private final CaptureSettings settings;
    private final String syncKey;
    private final URI batchUrl;
    private final ConcurrentMap<StreamSchema, Shape> shapes = new ConcurrentHashMap<>();

    /** @param schema the sync's fields; checked for the ones the object needs */
    CapturePlan(String connection, Kind kind, CaptureSettings settings, String syncKey, StreamSchema schema) {
        this.connection = connection;
        this.kind = kind;
        this.settings = settings;
        this.syncKey = syncKey;
        this.batchUrl = URI.create(ApiRequest.join(settings.url().toString(), "/batch"));
        shape(schema);
    }

    @Override
    public Planned plan(ChangeBatch batch) {
        if (batch.origin() == ChangeClass.REMOVED) {
            throw new TidemarkException(ErrorCode.UNSUPPORTED, "connection \"" + connection + "\": a capture API cannot delete or "
                    + "change " + kind.objectName() + " it received, so removed records cannot be sent; set the sync's delete_behavior to nothing");
        }
        Shape shape = shapes.computeIfAbsent(batch.rows().schema(), this::shape);
        List<Refusal> refusals = new ArrayList<>();
        List<byte[]> events = new ArrayList<>(batch.size());
        List<Integer> positions = new ArrayList<>(batch.size());
        List<Object[]> rows = batch.rows().rows();
        for (int i = 0; i < rows.size(); i++) {
            if (kind == Kind.ALIASES && empty(shape, shape.distinctId(), rows.get(i))) {
                // No distinct id to join the alias to (an anonymous user of an export): nothing to alias, nothing to send.
                continue;
            }
            try {
                events.add(event(shape, rows.get(i)));
                positions.add(i);
            } catch (RowRefused e) {
                refusals.add(new Refusal(i, e.getMessage()));
            }
        }
        String what = "object " + kind.objectName() + ", " + batch.origin().configName() + " records";
        List<Call> calls = new ArrayList<>();
        for (int from = 0; from < events.size(); from += settings.batchSize()) {
            int to = Math.min(events.size(), from + settings.batchSize());
            List<byte[]> chunk = events.subList(from, to);
            byte[] body = JsonValues.bytes(g -> {
                g.writeStartObject();
                g.writeStringField("api_key", settings.apiKey());
                g.writeBooleanField("historical_migration", settings.historicalMigration());
                g.writeArrayFieldStart("batch");
                for (byte[] event : chunk) g.writeRawValue(new String(event, StandardCharsets.UTF_8));
                g.writeEndArray();
                g.writeEndObject();
            });
            int[] carried = positions.subList(from, to).stream().mapToInt(Integer::intValue).toArray();
            calls.add(new Call(new ApiRequest("POST", batchUrl, List.of(Map.entry("Content-Type", "application/json")), Optional.of(body)),
                    carried, Optional.empty(), what));
        }
        return new Planned(calls, refusals);
    }

    private byte[] event(Shape shape, Object[] row) {
        String event = switch (kind) {
            case EVENTS -> required(shape, shape.event(), row);
            case PERSONS -> SET;
            case ALIASES -> "$create_alias";
        };
        String distinctId = required(shape, shape.distinctId(), row);
        if (kind == Kind.ALIASES) required(shape, shape.alias(), row);
        byte[] properties = JsonValues.bytes(g -> shape.properties().write(g, row, true));
        String uuid = shape.uuid() >= 0 && row[shape.uuid()] != null
                ? JsonValues.text(shape.schema().columns().get(shape.uuid()).type(), row[shape.uuid()])
                : derivedUuid(shape, row, properties);
        return JsonValues.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("event", event);
            g.writeStringField("distinct_id", distinctId);
            g.writeFieldName("properties");
            g.writeRawValue(new String(properties, StandardCharsets.UTF_8));
            if (shape.timestamp() >= 0 && row[shape.timestamp()] != null) {
                g.writeStringField("timestamp", timestamp(shape.schema().columns().get(shape.timestamp()).type(), row[shape.timestamp()]));
            }
            g.writeStringField("uuid", uuid);
            g.writeEndObject();
        });
    }

    /**
     * A name-based UUID of what identifies the event, so that a resend carries the same one: the sync, the object, the
     * record's key and, for persons and aliases, the properties (each new state is a new event). Each part goes in
     * length-prefixed, so that different parts never make the same name (joined by a separator, the keys
     * {@code ("a\nb", "c")} and {@code ("a", "b\nc")} would).
     */
    private String derivedUuid(Shape shape, Object[] row, byte[] properties) {
        StringBuilder name = new StringBuilder();
        part(name, syncKey);
        part(name, kind.objectName());
        for (int p : shape.key()) part(name, row[p] == null ? null : JsonValues.text(shape.schema().columns().get(p).type(), row[p]));
        if (kind != Kind.EVENTS) part(name, new String(properties, StandardCharsets.UTF_8));
        return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Appends {@code value} as its length, a colon and the value; null as a dash, which no length starts with. */
    private static void part(StringBuilder name, String value) {
        if (value == null) name.append('-');
        else name.append(value.length()).append(':').append(value);
    }

    private static String required(Shape shape, int column, Object[] row) {
        Column c = shape.schema().columns().get(column);
        if (empty(shape, column, row)) throw new RowRefused(c.name() + " is empty; a capture event needs one");
        return JsonValues.text(c.type(), row[column]);
    }

    /** Null or empty text. */
    private static boolean empty(Shape shape, int column, Object[] row) {
        String text = JsonValues.text(shape.schema().columns().get(column).type(), row[column]);
        return text == null || text.isEmpty();
    }

    /** ISO 8601; a timestamp without time zone is read as UTC. */
    private static String timestamp(DataType type, Object value) {
        if (value instanceof LocalDateTime local) return Values.format(DataType.TIMESTAMPTZ, local.atOffset(ZoneOffset.UTC));
        return JsonValues.text(type, value);
    }

    private Shape shape(StreamSchema schema) {
        List<String> missing = kind.required.stream().filter(f -> schema.indexOf(f) < 0).toList();
        if (!missing.isEmpty()) {
            throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, "connection \"" + connection + "\": a record of the capture object "
                    + kind.objectName() + " needs the field" + (missing.size() > 1 ? "s " : " ") + String.join(" and ", missing)
                    + ", which the sync does not send (it sends: " + String.join(", ", schema.columnNames())
                    + "); map a column to " + (missing.size() > 1 ? "each" : "it") + " in field_mapping, e.g. user_id: distinct_id");
        }
        // The fields that find records (the schema's key) name the event through its uuid; they are properties only
        // when they are also a field the event itself uses (distinct_id, or an alias's alias).
        Set<String> key = Set.copyOf(schema.primaryKey());
        List<RecordShape.Entry> properties = new ArrayList<>();
        if (kind == Kind.ALIASES) {
            // As capture APIs expect a $create_alias: both ids in the properties, as text like every distinct id.
            for (String field : kind.required) {
                int i = schema.indexOf(field);
                properties.add(RecordShape.Entry.text(i, schema.columns().get(i).type(), field));
            }
        }
        for (int i = 0; i < schema.columns().size(); i++) {
            Column c = schema.columns().get(i);
            if (TOP_LEVEL.contains(c.name()) || kind.required.contains(c.name()) || key.contains(c.name())) continue;
            if (kind == Kind.PERSONS) {
                boolean grouped = c.name().startsWith(SET + ".") || c.name().startsWith(SET_ONCE + ".");
                List<String> path = new ArrayList<>(RecordShape.path(c.name()));
                if (!grouped) path.addFirst(SET);
                properties.add(new RecordShape.Entry(i, c.type(), c.name(), path, false));
            } else {
                properties.add(RecordShape.Entry.of(i, c.type(), c.name()));
            }
        }
        RecordShape shape;
        try {
            shape = RecordShape.of(properties);
        } catch (IllegalArgumentException e) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "connection \"" + connection + "\": the properties of "
                    + kind.objectName() + " cannot be built: " + e.getMessage() + "; rename one of them in the sync's field_mapping");
        }
        return new Shape(schema.indexOf("event"), schema.indexOf("distinct_id"), schema.indexOf("alias"), schema.indexOf("timestamp"),
                schema.indexOf("uuid"), schema.primaryKey().stream().mapToInt(schema::indexOf).toArray(), schema, shape);
    }
}
