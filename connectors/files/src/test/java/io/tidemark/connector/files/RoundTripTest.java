package io.tidemark.connector.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.WriteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every {@link DataType.Kind} survives a write and a read in both formats, edge values included. */
class RoundTripTest {
    @TempDir
    Path folder;

    private static final StreamId ALL = new StreamId(null, "all_kinds");

    private static StreamSchema allKinds() {
        return new StreamSchema(ALL, List.of(
                new Column("id", DataType.INT32, false, null),
                Column.of("b", DataType.BOOLEAN), Column.of("i16", DataType.INT16), Column.of("i64", DataType.INT64),
                Column.of("f32", DataType.FLOAT32), Column.of("f64", DataType.FLOAT64), Column.of("dec", DataType.decimal(38, 9)),
                Column.of("s", DataType.string(200)), Column.of("d", DataType.DATE), Column.of("t", DataType.TIME),
                Column.of("ts", DataType.TIMESTAMP), Column.of("tstz", DataType.TIMESTAMPTZ), Column.of("bytes", DataType.BYTES),
                Column.of("u", DataType.UUID_TYPE), Column.of("j", DataType.JSON)), List.of("id"), null);
    }

    private static List<Object[]> edgeRows() {
        return List.of(
                new Object[]{1, true, (short) -32768, Long.MAX_VALUE, Float.NaN, Double.NEGATIVE_INFINITY,
                        new BigDecimal("12345678901234567890.123456789"), "a,b \"quoted\"\nsecond line\r\nthird, é ☃ 😀 日本",
                        LocalDate.of(1, 1, 1), LocalTime.of(23, 59, 59, 999_999_999), LocalDateTime.of(2026, 2, 28, 23, 59, 59, 123_456_789),
                        OffsetDateTime.of(2026, 3, 1, 1, 30, 0, 0, ZoneOffset.ofHours(2)).withOffsetSameInstant(ZoneOffset.UTC),
                        new byte[]{0, -1, 127, -128, 10, 13, 44}, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                        "{\"a\":[1,2,{\"b\":null}],\"s\":\"x,y\\n\"}"},
                new Object[]{2, false, Short.MAX_VALUE, Long.MIN_VALUE, Float.POSITIVE_INFINITY, Double.NaN,
                        new BigDecimal("-0.000000001"), "", LocalDate.of(9999, 12, 31), LocalTime.MIDNIGHT,
                        LocalDateTime.of(1970, 1, 1, 0, 0), OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 1000, ZoneOffset.UTC),
                        new byte[0], new UUID(0, 0), "[]"},
                new Object[]{3, null, (short) 0, 0L, -0.0f, Double.MIN_VALUE, new BigDecimal("0E-9"), "NULL", null, null, null,
                        null, null, null, "null"},
                new Object[]{4, null, null, null, Float.MAX_VALUE, -0.0, new BigDecimal("100.500000000"), " ", null, null, null,
                        null, null, null, null},
                new Object[]{5, null, null, null, null, null, null, null, null, null, null, null, null, null, null});
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void everyKindRoundTripsWithEdgeValues(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(allKinds(), WriteMode.REPLACE, 1, edgeRows());

            assertThat(files.describe(ALL)).isEqualTo(allKinds());
            assertThat(comparable(files.read(ALL))).isEqualTo(comparable(edgeRows()));
        }
    }

    @Test
    void csvTellsNullFromTheEmptyStringByQuoting() throws Exception {
        StreamSchema schema = new StreamSchema(new StreamId(null, "texts"), List.of(Column.of("id", DataType.INT64),
                Column.of("s", DataType.STRING), Column.of("n", DataType.INT64)), List.of(), null);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(schema, WriteMode.REPLACE, 1, List.of(new Object[]{1L, "", null}, new Object[]{2L, null, 5L},
                    new Object[]{3L, "say \"hi\", bye", null}));

            assertThat(Files.readString(folder.resolve("texts.csv")))
                    .isEqualTo("id,s,n\n1,\"\",\n2,,5\n3,\"say \"\"hi\"\", bye\",\n");
            assertThat(files.read(schema.id())).extracting(r -> r[1]).containsExactly("", null, "say \"hi\", bye");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void aSingleColumnOfNullsAndEmptyStringsRoundTrips(String format) {
        // In CSV a one-column null row is a blank line, which multi-column files skip.
        StreamSchema schema = new StreamSchema(new StreamId(null, "one"), List.of(Column.of("s", DataType.STRING)), List.of(), null);
        List<Object[]> rows = List.of(new Object[]{null}, new Object[]{""}, new Object[]{"x"}, new Object[]{null});
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(schema, WriteMode.REPLACE, 1, rows);
            assertThat(files.read(schema.id())).extracting(r -> r[0]).containsExactly(null, "", "x", null);
        }
    }

    @Test
    void jsonlWritesExactNumbersAsNumbersAndEverythingElseAsText() throws Exception {
        try (FilesConnection files = FilesConnection.open(folder, "jsonl")) {
            files.write(allKinds(), WriteMode.REPLACE, 1, edgeRows());
        }
        List<String> lines = Files.readAllLines(folder.resolve("all_kinds.jsonl"));
        assertThat(lines).hasSize(5).allSatisfy(line -> assertThat(line).startsWith("{\"id\":").endsWith("}"));
        JsonNode first = new JsonMapper().readTree(lines.get(0));
        assertThat(first.get("id").isInt()).isTrue();
        assertThat(first.get("b").isBoolean()).isTrue();
        assertThat(first.get("i64").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(first.get("f32").textValue()).isEqualTo("NaN");
        assertThat(first.get("f64").textValue()).isEqualTo("-Infinity");
        assertThat(first.get("dec").textValue()).isEqualTo("12345678901234567890.123456789");
        assertThat(first.get("tstz").textValue()).isEqualTo("2026-02-28T23:30Z");
        assertThat(first.get("bytes").textValue()).isEqualTo("AP9/gAoNLA==");
        assertThat(first.get("j").textValue()).isEqualTo("{\"a\":[1,2,{\"b\":null}],\"s\":\"x,y\\n\"}");
        JsonNode fourth = new JsonMapper().readTree(lines.get(3));
        assertThat(fourth.get("f32").isFloatingPointNumber()).isTrue();
        assertThat(fourth.get("b").isNull()).isTrue();
    }

    /** Rows as lists whose elements compare by value: byte arrays as hex, timestamptz as instants. */
    private static List<List<Object>> comparable(List<Object[]> rows) {
        return rows.stream().map(r -> Arrays.stream(r).map(v -> switch (v) {
            case byte[] bytes -> (Object) ("bytes:" + HexFormat.of().formatHex(bytes));
            case OffsetDateTime t -> t.toInstant();
            case null -> "<null>";
            default -> v;
        }).toList()).toList();
    }
}
