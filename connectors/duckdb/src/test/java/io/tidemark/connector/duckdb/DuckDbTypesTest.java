package io.tidemark.connector.duckdb;

import io.tidemark.api.Column;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.jdbc.testing.KindRoundTripTest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** The shared round trip at DuckDB's precision; tables made by plain SQL describe and read sensibly. */
class DuckDbTypesTest extends KindRoundTripTest {
    @Override protected ConnectorFactory factory() { return new DuckDbConnectorFactory(); }
    @Override protected String fileName() { return "warehouse.duckdb"; }
    @Override protected Connection connect(Path file) throws SQLException { return DuckDbDatabase.open(file); }
    @Override protected Object storedInteger(long value) { return value; }
    @Override protected String syntaxErrorWording() { return "Parser Error"; }

    /** DuckDB decimals are binary with at most 38 digits, and its clock ticks in microseconds. */
    @Override
    protected EdgeValues edgeValues() {
        return new EdgeValues(DataType.decimal(20, 4), new BigDecimal("-9999999999999999.9999"), new BigDecimal("0.0001"),
                new BigDecimal("-123456789012345678901234567.0123456789"), new BigDecimal("1E-10"), 1_000, -0.5f, Double.MIN_VALUE,
                "{\"name\": \"☃\", \"list\": [1, 2.50, null]}", "[]");
    }

    /** Unbounded decimals become decimal(38,10), and a text's length limit is not kept. */
    @Override
    protected List<DataType> describedKinds() {
        return List.of(DataType.INT64, DataType.BOOLEAN, DataType.INT16, DataType.INT32, DataType.INT64, DataType.FLOAT32,
                DataType.FLOAT64, DataType.decimal(20, 4), DataType.decimal(38, 10), DataType.STRING, DataType.STRING, DataType.DATE,
                DataType.TIME, DataType.TIMESTAMP, DataType.TIMESTAMPTZ, DataType.BYTES, DataType.UUID_TYPE, DataType.JSON);
    }

    @Test
    void unboundedDecimalsWithMoreDigitsThanDuckDbHoldsAreRejectedNotRounded() {
        StreamSchema schema = new StreamSchema(new StreamId(null, "money"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("amount", DataType.DECIMAL)), List.of("id"), null);
        try (StreamWriter w = destination.open(request(schema, WriteMode.REPLACE))) {
            var result = w.write(new RowBatch(schema, List.of(new Object[]{1L, new BigDecimal("1.5")},
                    new Object[]{2L, new BigDecimal("0.12345678901")}, new Object[]{3L, new BigDecimal("1E+28")})));
            assertThat(result.written()).isEqualTo(1);
            assertThat(result.rejected()).extracting(r -> r.key()).containsExactly(List.of(2L), List.of(3L));
            assertThat(result.rejected().getFirst().reason()).contains("0.12345678901", "decimal(38,10)");
        }
    }

    @Test
    void datesBeforeChristAndInTheJulianCalendarsGapReadBackAndBoundCursorWindowsExactly() {
        StreamSchema schema = new StreamSchema(new StreamId(null, "days"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("day", DataType.DATE)), List.of("id"), null);
        List<LocalDate> days = List.of(LocalDate.of(-43, 3, 15), LocalDate.of(1582, 10, 4), LocalDate.of(1582, 10, 10),
                LocalDate.of(1582, 10, 15));
        write(schema, WriteMode.REPLACE, IntStream.range(0, days.size()).mapToObj(i -> new Object[]{i + 1L, days.get(i)}).toList());

        assertThat(readAll(schema)).extracting(row -> row[1]).containsExactlyElementsOf(days);
        ModelSpec model = ModelSpec.table("days", schema.id(), List.of("id"));
        assertThat(readWindow(model, schema, new CursorWindow("day", DataType.DATE, LocalDate.of(-43, 3, 15)), LocalDate.of(1582, 10, 15)))
                .extracting(row -> row[0]).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        assertThat(readWindow(model, schema, new CursorWindow("day", DataType.DATE, LocalDate.of(1582, 10, 10)), LocalDate.of(1582, 10, 15)))
                .extracting(row -> row[0]).containsExactlyInAnyOrder(3L, 4L);
    }

    @Test
    void rowsLongerThanDuckDbsDefaultCsvLineLimitLoad() {
        StreamSchema schema = new StreamSchema(new StreamId(null, "large"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("text", DataType.STRING), Column.of("bytes", DataType.BYTES)), List.of("id"), null);
        String text = "☃ 😀 é ".repeat(300_000); // 2.1 million chars, 3.9 MB of UTF-8
        byte[] bytes = new byte[1_500_000]; // 2 MB as base64
        new Random(7).nextBytes(bytes);
        write(schema, WriteMode.REPLACE, List.of(new Object[]{1L, text, bytes}, new Object[]{2L, "small", new byte[]{1}}));

        List<Object[]> rows = readAll(schema);
        assertThat(rows.get(0)[1]).isEqualTo(text);
        assertThat((byte[]) rows.get(0)[2]).isEqualTo(bytes);
        assertThat(rows.get(1)).containsExactly(2L, "small", new byte[]{1});
    }

    @Test
    void aTableCreatedByPlainSqlDescribesAndReads() throws Exception {
        execute("CREATE TYPE mood AS ENUM ('happy', 'sad')");
        execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY, tiny TINYINT, huge HUGEINT, unsigned UBIGINT, name VARCHAR(10), "
                + "price DECIMAL(9,3), happened TIMESTAMP_NS, seen TIMESTAMP WITH TIME ZONE, tags VARCHAR[], info STRUCT(a INTEGER, b VARCHAR), "
                + "feeling mood, span INTERVAL, day DATE, ratio REAL)");
        execute("INSERT INTO legacy VALUES (7, -3, 170141183460469231731687303715884105727, 18446744073709551615, 'ada', 12.5, "
                + "'2026-01-02 03:04:05.123456', '2026-01-02 03:04:05+01', ['a', 'b'], {'a': 1, 'b': 'x'}, 'sad', INTERVAL 90 MINUTE, "
                + "'2026-01-02', 0.25), (8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");

        DiscoveredStream legacy = source.discover().stream().filter(d -> d.schema().id().name().equals("legacy")).findFirst().orElseThrow();
        StreamSchema schema = legacy.schema();
        assertThat(schema.primaryKey()).containsExactly("id");
        assertThat(schema.columns()).extracting(Column::type).containsExactly(DataType.INT32, DataType.INT16,
                DataType.decimal(38, 0), DataType.decimal(20, 0), DataType.STRING, DataType.decimal(9, 3), DataType.TIMESTAMP,
                DataType.TIMESTAMPTZ, DataType.JSON, DataType.JSON, DataType.STRING, DataType.STRING, DataType.DATE, DataType.FLOAT32);
        assertThat(legacy.cursorCandidates()).containsExactly("id", "tiny", "huge", "unsigned", "price", "happened", "seen", "day");
        assertThat(legacy.estimatedRows()).isEqualTo(2);

        List<Object[]> rows = readAll(schema);
        assertThat(Arrays.asList(rows.get(0))).containsExactly(7, (short) -3, new BigDecimal("170141183460469231731687303715884105727"),
                new BigDecimal("18446744073709551615"), "ada", new BigDecimal("12.500"), LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000),
                OffsetDateTime.of(2026, 1, 2, 2, 4, 5, 0, ZoneOffset.UTC), "[\"a\",\"b\"]", "{\"a\":1,\"b\":\"x\"}", "sad", "01:30:00",
                LocalDate.of(2026, 1, 2), 0.25f);
        assertThat(rows.get(1)).containsOnly(8, null);
    }

    @Test
    void aQueryModelDescribesItsResultAndReadsACursorWindow() {
        write(allKinds(), WriteMode.REPLACE, edgeRows());
        ModelSpec model = ModelSpec.query("recent", "SELECT id, day, upper(text) AS shout, amount * 2 AS doubled FROM kinds;", List.of("id"));
        StreamSchema schema = source.describe(model);
        assertThat(schema.columns()).extracting(Column::name, Column::type).containsExactly(
                tuple("id", DataType.INT64), tuple("day", DataType.DATE),
                tuple("shout", DataType.STRING),
                tuple("doubled", DataType.decimal(30, 4)));
        assertThat(schema.primaryKey()).containsExactly("id");

        List<Object[]> rows = readWindow(model, schema, new CursorWindow("day", DataType.DATE, LocalDate.of(2026, 1, 1)),
                LocalDate.of(9999, 12, 31));
        assertThat(rows).extracting(row -> row[0]).containsExactlyInAnyOrder(3L, 4L);
    }
}
