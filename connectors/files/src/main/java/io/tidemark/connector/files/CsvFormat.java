package io.tidemark.connector.files;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CSV with a header row and RFC 4180 quoting. NULL is an unquoted empty field, the empty string (and the empty byte
 * array) a quoted one ({@code ""}); in other columns any empty field is NULL, since no value of theirs is empty text.
 * Values are in canonical text ({@link Values#format}).
 */
record CsvFormat() implements FileFormat {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .enable(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    /**
     * Inference picks, per column, the first of these that every sampled value fits; string fits everything and is
     * also what a column without a value in the sample gets.
     */
    private static final List<DataType> LADDER = List.of(DataType.INT64, DataType.FLOAT64, DataType.BOOLEAN,
            DataType.DATE, DataType.TIMESTAMP, DataType.TIMESTAMPTZ, DataType.STRING);
    /** No leading zeros: "02134" is a zip code, not a number. */
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    @Override
    public String extension() { return "csv"; }

    @Override
    public RowWriter writer(OutputStream out, StreamSchema schema) throws IOException {
        CsvSchema.Builder width = CsvSchema.builder();
        schema.columnNames().forEach(width::addColumn);
        CsvGenerator generator = (CsvGenerator) MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
        // Without a schema of the row's width the generator drops null fields instead of leaving them empty.
        generator.setSchema(width.build());
        generator.writeStartArray();
        for (String name : schema.columnNames()) generator.writeString(name);
        generator.writeEndArray();
        DataType[] types = schema.columns().stream().map(Column::type).toArray(DataType[]::new);
        return new RowWriter() {
            @Override
            public void write(Object[] row) throws IOException {
                generator.writeStartArray();
                for (int i = 0; i < types.length; i++) {
                    if (row[i] == null) generator.writeNull();
                    else generator.writeString(Values.format(types[i], row[i]));
                }
                generator.writeEndArray();
            }

            @Override
            public void close() throws IOException { generator.close(); }
        };
    }

    @Override
    public RowReader reader(InputStream in, Path file, StreamSchema schema) throws IOException {
        Records records = new Records(in, file);
        List<String> header = records.header();
        int width = schema.columns().size();
        int[] target = header.stream().mapToInt(schema::indexOf).toArray();
        return new RowReader() {
            @Override
            public Object[] next() throws IOException {
                String[] fields = records.next();
                if (fields == null) return null;
                Object[] row = new Object[width];
                for (int i = 0; i < fields.length; i++) {
                    if (target[i] < 0) continue;
                    Column column = schema.columns().get(target[i]);
                    try {
                        row[target[i]] = decode(column.type(), fields[i]);
                    } catch (TidemarkException e) {
                        throw DataErrors.badValue(file, records.line(), column.name(), e);
                    }
                }
                return row;
            }

            @Override
            public void close() throws IOException { records.close(); }
        };
    }

    private static Object decode(DataType type, String field) {
        if (field == null || field.isEmpty() && !hasEmptyValue(type)) return null;
        return Values.parse(type, field);
    }

    /** Kinds with a value whose canonical text is empty: the empty string, the empty byte array. */
    private static boolean hasEmptyValue(DataType type) {
        return switch (type.kind()) {
            case STRING, JSON, BYTES -> true;
            default -> false;
        };
    }

    @Override
    public List<Column> infer(InputStream in, Path file, int sampleRows) throws IOException {
        try (Records records = new Records(in, file)) {
            List<String> header = records.header();
            List<BitSet> candidates = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) candidates.add(new BitSet()); // stays empty until a value is seen
            String[] fields;
            for (int n = 0; n < sampleRows && (fields = records.next()) != null; n++) {
                for (int i = 0; i < fields.length; i++) {
                    if (fields[i] == null || fields[i].isEmpty()) continue;
                    BitSet fit = candidates.get(i);
                    if (fit.isEmpty()) fit.set(0, LADDER.size());
                    for (int t = fit.nextSetBit(0); t >= 0; t = fit.nextSetBit(t + 1)) {
                        if (!fits(LADDER.get(t), fields[i])) fit.clear(t);
                    }
                }
            }
            List<Column> columns = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                BitSet fit = candidates.get(i);
                columns.add(Column.of(header.get(i), fit.isEmpty() ? DataType.STRING : LADDER.get(fit.nextSetBit(0))));
            }
            return columns;
        }
    }

    private static boolean fits(DataType type, String text) {
        return switch (type.kind()) {
            case INT64 -> INTEGER.matcher(text).matches() && parses(type, text);
            case FLOAT64 -> text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")
                    || NUMBER.matcher(text).matches() && isExactDouble(text);
            // Only true/false: "no" is also Norway's country code.
            case BOOLEAN -> text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
            case STRING -> true;
            default -> parses(type, text);
        };
    }

    /** A number a double would round (too many digits) stays text rather than change silently. */
    private static boolean isExactDouble(String text) {
        double d = Double.parseDouble(text);
        return Double.isFinite(d) && new BigDecimal(text).compareTo(BigDecimal.valueOf(d)) == 0;
    }

    private static boolean parses(DataType type, String text) {
        try {
            Values.parse(type, text);
            return true;
        } catch (TidemarkException e) {
            return false;
        }
    }

    /** The records of a CSV file as text fields aligned with its header; null marks an unquoted empty field. */
    private static final class Records implements AutoCloseable {
        private final CsvParser parser;
        private final Path file;
        private final List<String> header;
        private final List<String> fields = new ArrayList<>();
        private long line = 1;

        Records(InputStream in, Path file) throws IOException {
            this.parser = (CsvParser) MAPPER.getFactory().createParser(in);
            this.parser.setSchema(CsvSchema.emptySchema());
            this.file = file;
            this.header = readRecord() ? checkedHeader() : List.of();
        }

        List<String> header() { return header; }

        /** The line the current record starts on (a quoted value may span several lines). */
        long line() { return line; }

        /** The next record, or null at the end. Blank lines are skipped unless the file has a single column. */
        String[] next() throws IOException {
            while (readRecord()) {
                boolean blank = fields.size() == 1 && fields.getFirst() == null;
                if (blank && header.size() != 1) continue;
                if (fields.size() != header.size()) {
                    throw DataErrors.at(file, line, "has " + fields.size() + " fields but the header has " + header.size()
                            + "; quote values that contain commas, quotes or line breaks");
                }
                return fields.toArray(String[]::new);
            }
            return null;
        }

        private boolean readRecord() throws IOException {
            try {
                long start = parser.currentLocation().getLineNr();
                if (parser.nextToken() == null) return false;
                line = start;
                fields.clear();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    fields.add(t == JsonToken.VALUE_NULL ? null : parser.getText());
                }
                return true;
            } catch (StreamReadException e) {
                throw DataErrors.malformed(file, "CSV", e);
            } catch (CharConversionException e) {
                throw DataErrors.notUtf8(file, line);
            }
        }

        private List<String> checkedHeader() {
            List<String> names = List.copyOf(fields.stream().map(f -> f == null ? "" : f).toList());
            var seen = new HashSet<String>();
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).isEmpty()) {
                    throw DataErrors.at(file, line, "header column " + (i + 1) + " has no name; the first row must name every column");
                }
                if (!seen.add(names.get(i))) throw DataErrors.at(file, line, "header names column \"" + names.get(i) + "\" twice");
            }
            return names;
        }

        @Override
        public void close() throws IOException { parser.close(); }
    }
}
