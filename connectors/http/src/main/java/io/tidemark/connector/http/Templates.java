package io.tidemark.connector.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tidemark.api.Column;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binds {@link Template}s and {@link JsonTemplate}s to the fields of one batch's schema and the connection's secrets,
 * once per schema, into renderers that fill them from a row without looking anything up.
 */
final class Templates {
    /** Renders a text template from a row. */
    @FunctionalInterface
    interface TextRenderer {
        /** @throws RowRefused when the row cannot fill the template */
        String render(Object[] row);
    }

    /** Writes a JSON template from a row; {@code records} fills {@code {{records}}} (envelopes only). */
    @FunctionalInterface
    interface JsonRenderer {
        void write(JsonGenerator g, Object[] row, RecordsWriter records) throws IOException;
    }

    /** Writes the array of a request's records into an envelope. */
    @FunctionalInterface
    interface RecordsWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /** How a field's text goes into a template. */
    enum Encoding {
        /** As it is; a null value is empty text (headers, text in bodies). */
        TEXT,
        /** Percent-encoded; a null value refuses the record, whose URL would lose the part naming it. */
        URL
    }

    private record FieldRef(int index, Column column) {}

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StreamSchema schema;
    private final Map<String, String> secrets;
    private final String where;
    private final String fix;
    private RecordShape record;

    /**
     * @param secrets the secret settings that are set, by name (references were checked when the settings loaded)
     * @param where   message prefix naming the connection and object
     * @param fix     what to do about a field the schema lacks
     */
    Templates(StreamSchema schema, Map<String, String> secrets, String where, String fix) {
        this.schema = schema;
        this.secrets = secrets;
        this.where = where;
        this.fix = fix;
    }

    TextRenderer text(Template template, String setting, Encoding encoding) {
        List<Object> parts = new ArrayList<>();
        for (Template.Part part : template.parts()) {
            switch (part) {
                case Template.Literal l -> parts.add(l.text());
                case Template.Placeholder p -> parts.add(switch (p.name()) {
                    case Template.Field f -> {
                        Column c = column(f, setting);
                        yield new FieldRef(schema.indexOf(c.name()), c);
                    }
                    case Template.Secret s -> encoding == Encoding.URL ? percentEncode(secret(s)) : secret(s);
                    case Template.WholeRecord r -> throw notHere(r, setting);
                    case Template.Records r -> throw notHere(r, setting);
                });
            }
        }
        Object[] compiled = parts.toArray();
        return row -> {
            StringBuilder out = new StringBuilder();
            for (Object part : compiled) {
                if (part instanceof String s) {
                    out.append(s);
                    continue;
                }
                FieldRef f = (FieldRef) part;
                String value = JsonValues.text(f.column().type(), row[f.index()]);
                if (value == null) {
                    if (encoding == Encoding.URL) {
                        throw new RowRefused(f.column().name() + " is null, and the URL " + template.source() + " needs it");
                    }
                    continue;
                }
                out.append(encoding == Encoding.URL ? percentEncode(value) : value);
            }
            return out.toString();
        };
    }

    JsonRenderer json(JsonTemplate template, String setting) {
        return switch (template) {
            case JsonTemplate.Literal l -> (g, row, records) -> g.writeTree(l.value());
            case JsonTemplate.Text t -> {
                TextRenderer text = text(t.template(), setting, Encoding.TEXT);
                yield (g, row, records) -> g.writeString(text.render(row));
            }
            case JsonTemplate.Value v -> switch (v.name()) {
                case Template.Field f -> {
                    Column c = column(f, setting);
                    int index = schema.indexOf(c.name());
                    yield (g, row, records) -> JsonValues.write(g, c.name(), c.type(), row[index]);
                }
                case Template.Secret s -> {
                    String value = secret(s);
                    yield (g, row, records) -> g.writeString(value);
                }
                case Template.WholeRecord r -> {
                    RecordShape shape = record(setting);
                    yield (g, row, records) -> shape.write(g, row, false);
                }
                case Template.Records r -> (g, row, records) -> records.write(g);
            };
            case JsonTemplate.Arr a -> {
                List<JsonRenderer> items = a.items().stream().map(i -> json(i, setting)).toList();
                yield (g, row, records) -> {
                    g.writeStartArray();
                    for (JsonRenderer item : items) item.write(g, row, records);
                    g.writeEndArray();
                };
            }
            case JsonTemplate.Obj o -> {
                List<String> names = o.fields().stream().map(Map.Entry::getKey).toList();
                List<JsonRenderer> values = o.fields().stream().map(f -> json(f.getValue(), setting)).toList();
                yield (g, row, records) -> {
                    g.writeStartObject();
                    for (int i = 0; i < names.size(); i++) {
                        g.writeFieldName(names.get(i));
                        values.get(i).write(g, row, records);
                    }
                    g.writeEndObject();
                };
            }
        };
    }

    /** Every field of the schema as one object, dotted names nesting. */
    RecordShape record(String setting) {
        if (record == null) {
            List<RecordShape.Entry> entries = new ArrayList<>();
            for (int i = 0; i < schema.columns().size(); i++) {
                Column c = schema.columns().get(i);
                entries.add(RecordShape.Entry.of(i, c.type(), c.name()));
            }
            try {
                record = RecordShape.of(entries);
            } catch (IllegalArgumentException e) {
                throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + setting + " uses {{record}}, but " + e.getMessage()
                        + "; rename one of them in the sync's field_mapping");
            }
        }
        return record;
    }

    private Column column(Template.Field field, String setting) {
        return schema.column(field.name()).orElseThrow(() -> new TidemarkException(ErrorCode.COLUMN_NOT_FOUND,
                where + setting + " names field \"" + field.name() + "\", which the records sent here do not carry (they carry: "
                        + String.join(", ", schema.columnNames()) + "); " + fix));
    }

    private String secret(Template.Secret s) {
        String value = secrets.get(s.setting());
        if (value == null) throw new TidemarkException(ErrorCode.INTERNAL, where + s + " names no secret that is set");
        return value;
    }

    private static TidemarkException notHere(Template.Name name, String setting) {
        return new TidemarkException(ErrorCode.INTERNAL, setting + ": " + name + " cannot stand in text (the settings check lets it through)");
    }

    /** RFC 3986 percent-encoding of UTF-8 text: everything but letters, digits and {@code -._~}. */
    static String percentEncode(String text) {
        StringBuilder out = null;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean unreserved = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '_' || b == '~';
            if (unreserved && out == null) continue;
            if (out == null) {
                out = new StringBuilder(bytes.length + 16);
                out.append(text, 0, i); // ASCII so far: byte and char positions agree
            }
            if (unreserved) out.append((char) b);
            else out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
        }
        return out == null ? text : out.toString();
    }
}
