package io.tidemark.connector.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tidemark.api.DataType;
import io.tidemark.api.Values;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * Record values as JSON and as text, the same way in every request: booleans and numbers as JSON booleans and
 * numbers (decimals in plain notation, never rounded), a JSON column as the nested value it holds, everything else as
 * its canonical text ({@link Values#format}: ISO 8601 times in UTC, base64 bytes). JSON has no NaN or infinities, so
 * such floats travel as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
final class JsonValues {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private JsonValues() {}

    /** Writes one JSON document. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The bytes of the document {@code writer} writes.
     *
     * @throws RowRefused when the writer refuses its row
     */
    static byte[] bytes(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON in memory", e);
        }
        return out.toByteArray();
    }

    /** @throws RowRefused for a JSON column whose text is not JSON */
    static void write(JsonGenerator g, String field, DataType type, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
            return;
        }
        if (!type.accepts(value)) {
            g.writeString(value.toString());
            return;
        }
        switch (type.kind()) {
            case BOOLEAN -> g.writeBoolean((Boolean) value);
            case INT16, INT32, INT64 -> g.writeNumber(((Number) value).longValue());
            case FLOAT32 -> {
                float f = (Float) value;
                if (Float.isFinite(f)) g.writeNumber(f);
                else g.writeString(Float.toString(f));
            }
            case FLOAT64 -> {
                double d = (Double) value;
                if (Double.isFinite(d)) g.writeNumber(d);
                else g.writeString(Double.toString(d));
            }
            case DECIMAL -> g.writeNumber((BigDecimal) value);
            case JSON -> {
                try {
                    g.writeTree(MAPPER.readTree((String) value));
                } catch (JacksonException e) {
                    throw new RowRefused("field " + field + " holds invalid JSON (" + e.getOriginalMessage() + ")");
                }
            }
            default -> g.writeString(Values.format(type, value));
        }
    }

    /** The value as text inside a string: its canonical text; null for null. */
    static String text(DataType type, Object value) {
        if (value == null) return null;
        if (!type.accepts(value)) return value.toString();
        return switch (type.kind()) {
            case STRING, JSON -> (String) value;
            default -> Values.format(type, value);
        };
    }
}
