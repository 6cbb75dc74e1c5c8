package io.tidemark.connector.files;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Lines: one object per line, keys are column names, null is JSON null. Integers and finite floats are JSON
 * numbers, booleans JSON booleans; decimals are strings so that no reader rounds them through a double; NaN and
 * ±Infinity, which JSON numbers cannot spell, and every other kind are strings in canonical text
 * ({@link Values#format}). A json column is a string holding the document's text; on read an embedded object or
 * array is accepted too.
 */
record JsonlFormat() implements FileFormat {
    private static final JsonMapper MAPPER = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    @Override
    public String extension() { return "jsonl"; }

    @Override
    public RowWriter writer(OutputStream out, StreamSchema schema) throws IOException {
        JsonGenerator generator = MAPPER.createGenerator(out, JsonEncoding.UTF8);
        generator.setRootValueSeparator(null); // each object ends with its own line feed instead
        String[] names = schema.columnNames().toArray(String[]::new);
        DataType[] types = schema.columns().stream().map(Column::type).toArray(DataType[]::new);
        return new RowWriter() {
            @Override
            public void write(Object[] row) throws IOException {
                generator.writeStartObject();
                for (int i = 0; i < names.length; i++) {
                    generator.writeFieldName(names[i]);
                    writeValue(generator, types[i], row[i]);
                }
                generator.writeEndObject();
                generator.writeRaw('\n');
            }

            @Override
            public void close() throws IOException { generator.close(); }
        };
    }

    private static void writeValue(JsonGenerator generator, DataType type, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
            return;
        }
        switch (type.kind()) {
            case BOOLEAN -> generator.writeBoolean((Boolean) value);
            case INT16 -> generator.writeNumber((Short) value);
            case INT32 -> generator.writeNumber((Integer) value);
            case INT64 -> generator.writeNumber((Long) value);
            case FLOAT32 -> {
                if (Float.isFinite((Float) value)) generator.writeNumber((Float) value);
                else generator.writeString(Values.format(type, value));
            }
            case FLOAT64 -> {
                if (Double.isFinite((Double) value)) generator.writeNumber((Double) value);
                else generator.writeString(Values.format(type, value));
            }
            default -> generator.writeString(Values.format(type, value));
        }
    }

    @Override
    public RowReader reader(InputStream in, Path file, StreamSchema schema) throws IOException {
        Lines lines = new Lines(in, file);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < schema.columns().size(); i++) index.put(schema.columns().get(i).name(), i);
        return new RowReader() {
            @Override
            public Object[] next() throws IOException {
                Object[] row = new Object[index.size()];
                boolean found = lines.next((name, token, parser) -> {
                    Integer i = index.get(name);
                    if (i == null) parser.skipChildren();
                    else row[i] = decode(parser, token, schema.columns().get(i), file, lines.line());
                });
                return found ? row : null;
            }

            @Override
            public void close() throws IOException { lines.close(); }
        };
    }

    private static Object decode(JsonParser parser, JsonToken token, Column column, Path file, long line) throws IOException {
        DataType.Kind kind = column.type().kind();
        if (token == JsonToken.VALUE_NULL) return null;
        if (token.isStructStart()) {
            if (kind == DataType.Kind.JSON || kind == DataType.Kind.STRING) return MAPPER.readTree(parser).toString();
            parser.skipChildren();
            throw DataErrors.badValue(file, line, column.name(), new TidemarkException(ErrorCode.SOURCE_DATA_INVALID,
                    "a JSON " + (token == JsonToken.START_OBJECT ? "object" : "array") + " is not a valid " + column.type()));
        }
        try {
            // A number's text is exactly as written in the file, so decimals and int64 stay exact.
            return Values.parse(column.type(), parser.getText());
        } catch (TidemarkException e) {
            throw DataErrors.badValue(file, line, column.name(), e);
        }
    }

    @Override
    public List<Column> infer(InputStream in, Path file, int sampleRows) throws IOException {
        Map<String, DataType> types = new LinkedHashMap<>(); // null: seen only as null so far
        try (Lines lines = new Lines(in, file)) {
            FieldVisitor observe = (name, token, parser) -> {
                DataType seen = typeOf(token, parser);
                parser.skipChildren();
                if (!types.containsKey(name) || seen != null) types.put(name, join(types.get(name), seen));
            };
            for (int n = 0; n < sampleRows; n++) {
                if (!lines.next(observe)) break;
            }
        }
        return types.entrySet().stream()
                .map(e -> Column.of(e.getKey(), e.getValue() == null ? DataType.STRING : e.getValue())).toList();
    }

    private static DataType typeOf(JsonToken token, JsonParser parser) throws IOException {
        return switch (token) {
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? DataType.DECIMAL : DataType.INT64;
            case VALUE_NUMBER_FLOAT -> DataType.FLOAT64;
            case VALUE_TRUE, VALUE_FALSE -> DataType.BOOLEAN;
            case VALUE_STRING -> DataType.STRING;
            case START_OBJECT, START_ARRAY -> DataType.JSON;
            default -> null;
        };
    }

    /** The narrowest type holding values of both: numbers widen, any other mix is string. */
    private static DataType join(DataType a, DataType b) {
        if (a == null || a.equals(b)) return b;
        if (b == null) return a;
        if (a.kind().isNumeric() && b.kind().isNumeric()) {
            return a.kind() == DataType.Kind.FLOAT64 || b.kind() == DataType.Kind.FLOAT64 ? DataType.FLOAT64 : DataType.DECIMAL;
        }
        return DataType.STRING;
    }

    @FunctionalInterface
    private interface FieldVisitor {
        /** Called with the parser on the field's value token; must consume the value (or skip it). */
        void visit(String name, JsonToken token, JsonParser parser) throws IOException;
    }

    /** The objects of a JSON Lines file, one at a time. */
    private static final class Lines implements AutoCloseable {
        private final JsonParser parser;
        private final Path file;
        private long line;

        Lines(InputStream in, Path file) throws IOException {
            this.parser = MAPPER.createParser(in);
            this.file = file;
        }

        /** The line the current object starts on. */
        long line() { return line; }

        /** Reads the next object, handing each field to {@code visitor}; false at the end. */
        boolean next(FieldVisitor visitor) throws IOException {
            try {
                JsonToken token = parser.nextToken();
                if (token == null) return false;
                line = parser.currentTokenLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    throw DataErrors.at(file, line, "expected a JSON object, found " + parser.getText()
                            + "; a JSON Lines file holds one object per line");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    visitor.visit(name, parser.nextToken(), parser);
                }
                return true;
            } catch (StreamReadException e) {
                throw DataErrors.malformed(file, "JSON", e);
            } catch (CharConversionException e) {
                throw DataErrors.notUtf8(file, line);
            }
        }

        @Override
        public void close() throws IOException { parser.close(); }
    }
}
