package io.tidemark.connector.http;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeClass;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The requests of one {@link ApiObject} of an {@code http} connection: per record, or records in batches
 * ({@code json_array}, optionally in an envelope, or {@code ndjson}). Templates are bound to a batch's fields once per
 * schema; the added and changed requests are bound to the sync's fields when the writer opens, so a template naming a
 * field the sync does not send fails the run before anything is sent.
 */
final class HttpPlan implements RequestPlan {
    private static final Object[] NO_ROW = new Object[0];
    private static final Templates.RecordsWriter NO_RECORDS = g -> {
        throw new IllegalStateException("a record body has no {{records}}");
    };

    /** A request's templates bound to one schema. */
    private record Bound(ApiObject.Request spec, Templates.TextRenderer url, List<Map.Entry<String, Templates.TextRenderer>> headers,
                         Optional<Templates.JsonRenderer> body, Optional<Templates.JsonRenderer> envelope) {}

    private final String connection;
    private final ApiObject object;
    private final URI baseUrl;
    private final Map<String, String> secrets;
    private final Map<ChangeClass, ConcurrentMap<StreamSchema, Bound>> bound = new EnumMap<>(ChangeClass.class);

    /** @param schema the sync's fields, which added and changed records carry */
    HttpPlan(String connection, ApiObject object, URI baseUrl, Map<String, String> secrets, StreamSchema schema) {
        this.connection = connection;
        this.object = object;
        this.baseUrl = baseUrl;
        this.secrets = secrets;
        for (ChangeClass c : ChangeClass.values()) bound.put(c, new ConcurrentHashMap<>());
        for (ChangeClass c : List.of(ChangeClass.ADDED, ChangeClass.CHANGED)) object.request(c).ifPresent(r -> bind(c, r, schema));
    }

    @Override
    public Planned plan(ChangeBatch batch) {
        ApiObject.Request spec = object.request(batch.origin()).orElseThrow(() -> unsupported(batch.origin()));
        Bound b = bind(batch.origin(), spec, batch.rows().schema());
        String what = "object " + object.name() + ", " + batch.origin().configName() + " records (" + spec.setting() + ")";
        return spec.batch().isPresent() ? batched(b, spec.batch().get(), batch, what) : perRecord(b, batch, what);
    }

    private Planned perRecord(Bound b, ChangeBatch batch, String what) {
        List<Call> calls = new ArrayList<>(batch.size());
        List<Refusal> refusals = new ArrayList<>();
        List<Object[]> rows = batch.rows().rows();
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            try {
                URI uri = ApiRequest.resolve(baseUrl, b.url().render(row));
                Optional<byte[]> body = b.body().map(r -> JsonValues.bytes(g -> r.write(g, row, NO_RECORDS)));
                List<Map.Entry<String, String>> headers = headers(b, row, body.isPresent() ? "application/json" : null);
                calls.add(new Call(new ApiRequest(b.spec().method(), uri, headers, body), new int[]{i}, b.spec().results(), what));
            } catch (RowRefused e) {
                refusals.add(new Refusal(i, e.getMessage()));
            }
        }
        return new Planned(calls, refusals);
    }

    private Planned batched(Bound b, ApiObject.Batch spec, ChangeBatch batch, String what) {
        List<Refusal> refusals = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>(batch.size());
        List<Integer> positions = new ArrayList<>(batch.size());
        List<Object[]> rows = batch.rows().rows();
        Templates.JsonRenderer body = b.body().orElseThrow();
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            try {
                bodies.add(JsonValues.bytes(g -> body.write(g, row, NO_RECORDS)));
                positions.add(i);
            } catch (RowRefused e) {
                refusals.add(new Refusal(i, e.getMessage()));
            }
        }
        URI uri = ApiRequest.resolve(baseUrl, b.url().render(NO_ROW));
        List<Map.Entry<String, String>> headers;
        try {
            headers = headers(b, NO_ROW, spec.format() == ApiObject.Format.NDJSON ? "application/x-ndjson" : "application/json");
        } catch (RowRefused e) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "connection \"" + connection + "\": " + b.spec().setting()
                    + ".headers: " + e.getMessage() + "; fix the header");
        }
        int size = spec.size().orElse(Math.max(1, bodies.size()));
        List<Call> calls = new ArrayList<>();
        for (int from = 0; from < bodies.size(); from += size) {
            int to = Math.min(bodies.size(), from + size);
            byte[] content = switch (spec.format()) {
                case NDJSON -> ndjson(bodies.subList(from, to));
                case JSON_ARRAY -> spec.envelope().isPresent()
                        ? enveloped(b.envelope().orElseThrow(), bodies.subList(from, to))
                        : array(bodies.subList(from, to));
            };
            int[] carried = positions.subList(from, to).stream().mapToInt(Integer::intValue).toArray();
            calls.add(new Call(new ApiRequest(b.spec().method(), uri, headers, Optional.of(content)), carried, b.spec().results(), what));
        }
        return new Planned(calls, refusals);
    }

    private static List<Map.Entry<String, String>> headers(Bound b, Object[] row, String contentType) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(b.headers().size() + 1);
        // First, so that a configured Content-Type replaces it.
        if (contentType != null) headers.add(Map.entry("Content-Type", contentType));
        for (Map.Entry<String, Templates.TextRenderer> h : b.headers()) {
            String value = h.getValue().render(row);
            // Named, never quoted: the value may hold a secret.
            HeaderValues.unsendable(value).ifPresent(problem -> {
                throw new RowRefused("the header " + h.getKey() + " would hold " + problem + ", which an HTTP header cannot carry");
            });
            headers.add(Map.entry(h.getKey(), value));
        }
        return headers;
    }

    private static byte[] array(List<byte[]> bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bodies.stream().mapToInt(b -> b.length + 1).sum() + 2);
        out.write('[');
        for (int i = 0; i < bodies.size(); i++) {
            if (i > 0) out.write(',');
            out.writeBytes(bodies.get(i));
        }
        out.write(']');
        return out.toByteArray();
    }

    private static byte[] ndjson(List<byte[]> bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bodies.stream().mapToInt(b -> b.length + 1).sum());
        for (byte[] body : bodies) {
            out.writeBytes(body);
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static byte[] enveloped(Templates.JsonRenderer envelope, List<byte[]> bodies) {
        return JsonValues.bytes(g -> envelope.write(g, NO_ROW, records -> {
            records.writeStartArray();
            for (byte[] body : bodies) records.writeRawValue(new String(body, StandardCharsets.UTF_8));
            records.writeEndArray();
        }));
    }

    private Bound bind(ChangeClass change, ApiObject.Request spec, StreamSchema schema) {
        return bound.get(change).computeIfAbsent(schema, s -> {
            String fix = change == ChangeClass.REMOVED
                    ? "a removed record carries its record-matching fields only (and the cleared fields, or the soft-delete time, "
                      + "by the sync's delete_behavior); name only those in " + spec.setting()
                    : "map a column to it in the sync's field_mapping, or fix the template";
            Templates templates = new Templates(s, secrets, "connection \"" + connection + "\": ", fix);
            return new Bound(spec,
                    templates.text(spec.url(), spec.setting() + ".url", Templates.Encoding.URL),
                    spec.headers().stream().map(h -> Map.entry(h.name(),
                            templates.text(h.value(), spec.setting() + ".headers." + h.name(), Templates.Encoding.TEXT))).toList(),
                    spec.body().map(body -> templates.json(body, spec.setting() + ".body")),
                    spec.batch().flatMap(ApiObject.Batch::envelope).map(e -> templates.json(e, spec.setting() + ".batch.envelope")));
        });
    }

    private TidemarkException unsupported(ChangeClass change) {
        String setting = ObjectsParser.OBJECTS + "." + object.name() + "." + change.configName();
        String fix = switch (change) {
            case ADDED -> "add " + setting + " (method and url)";
            case CHANGED -> "add " + setting + " (method and url), or set the sync's mode to insert (which sends added records only)";
            case REMOVED -> "add " + setting + " (method and url), or set the sync's delete_behavior to nothing";
        };
        return new TidemarkException(ErrorCode.UNSUPPORTED, "connection \"" + connection + "\": object " + object.name()
                + " has no request for " + change.configName() + " records; " + fix);
    }
}
