package io.tidemark.connector.duckdb;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind written by Tidemark reads back exactly; tables made by plain SQL describe and read sensibly. */
class DuckDbTypesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path workDir;
    private Source source;
    private Destination destination;

    @BeforeEach
    void open() {
        ConnectorConfig config = new ConnectorConfig("wh", new DuckDbConnectorFactory().configSpec(), Map.of("path", "warehouse.duckdb"));
        ConnectorContext context = new ConnectorContext(Clock.fixed(NOW, ZoneOffset.UTC), workDir);
        source = new DuckDbConnectorFactory().openSource(config, context);
        destination = new DuckDbConnectorFactory().openDestination(config, context);
    }

    @AfterEach
    void close() {
        source.close();
        destination.close();
    }

    private static StreamSchema allKinds() {
        return new StreamSchema(new StreamId(null, "kinds"), List.of(
                new Column("id", DataType.INT64, false, null),
                Column.of("flag", DataType.BOOLEAN),
                Column.of("small", DataType.INT16),
                Column.of("medium", DataType.INT32),
                Column.of("large", DataType.INT64),
                Column.of("single", DataType.FLOAT32),
                Column.of("double", DataType.FLOAT64),
                Column.of("amount", DataType.decimal(20, 4)),
                Column.of("unbounded", DataType.DECIMAL),
                Column.of("text", DataType.STRING),
                Column.of("short_text", DataType.string(32)),
                Column.of("day", DataType.DATE),
                Column.of("clock", DataType.TIME),
                Column.of("local", DataType.TIMESTAMP),
                Column.of("instant", DataType.TIMESTAMPTZ),
                Column.of("bytes", DataType.BYTES),
                Column.of("uuid", DataType.UUID_TYPE),
                Column.of("doc", DataType.JSON)), List.of("id"), null);
    }

    private static List<Object[]> edgeRows() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) everyByte[i] = (byte) i;
        Object[] nulls = new Object[18];
        nulls[0] = 1L;
        return List.of(
                nulls,
                new Object[]{2L, false, Short.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE, Float.NaN, Double.NEGATIVE_INFINITY,
                        new BigDecimal("-9999999999999999.9999"), new BigDecimal("-123456789012345678901234567.0123456789"), "",
                        "☃ émile 😀", LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT, LocalDateTime.of(1970, 1, 1, 0, 0),
                        OffsetDateTime.of(2026, 1, 31, 23, 30, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)), new byte[0],
                        new UUID(0, 0), "{}"},
                new Object[]{3L, true, Short.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Float.POSITIVE_INFINITY, Double.NaN,
                        new BigDecimal("0.0001"), new BigDecimal("1E-10"), "x".repeat(100_000),
                        "\"quoted\", comma\nnewline\r\n\\N", LocalDate.of(9999, 12, 31), LocalTime.of(23, 59, 59, 999_999_000),
                        LocalDateTime.of(2026, 2, 28, 13, 14, 15, 123_456_000),
                        OffsetDateTime.of(2026, 2, 28, 13, 14, 15, 654_321_000, ZoneOffset.UTC), everyByte,
                        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "{\"name\": \"☃\", \"list\": [1, 2.50, null]}"},
                new Object[]{4L, null, (short) 0, 0, 0L, -0.5f, Double.MIN_VALUE, new BigDecimal("12.5"), new BigDecimal("-0"),
                        "\\N", "NULL", LocalDate.of(2026, 2, 28), LocalTime.of(0, 0, 1), LocalDateTime.of(2026, 1, 1, 0, 0),
                        OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 1_000, ZoneOffset.ofHours(-8)), new byte[]{0},
                        UUID.fromString("c720be1f-97ae-4b31-b82c-f1ddc891f531"), "[]"});
    }

    @Test
    void everyKindRoundTripsWithEdgeValues() {
        StreamSchema schema = allKinds();
        write(schema, WriteMode.REPLACE, edgeRows());

        StreamSchema described = source.describe(ModelSpec.table("kinds", schema.id(), List.of()));
        assertThat(described.primaryKey()).containsExactly("id");
        assertThat(described.columns()).extracting(Column::type).containsExactly(DataType.INT64, DataType.BOOLEAN,
                DataType.INT16, DataType.INT32, DataType.INT64, DataType.FLOAT32, DataType.FLOAT64, DataType.decimal(20, 4),
                DataType.decimal(38, 10), DataType.STRING, DataType.STRING, DataType.DATE, DataType.TIME, DataType.TIMESTAMP,
                DataType.TIMESTAMPTZ, DataType.BYTES, DataType.UUID_TYPE, DataType.JSON);
        assertThat(normalized(readAll(described))).isEqualTo(normalized(edgeRows()));
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
    void aTableCreatedByPlainSqlDescribesAndReads() throws Exception {
        try (Connection c = DuckDbDatabase.open(workDir.resolve("warehouse.duckdb"));
             Statement s = c.createStatement()) {
            s.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')");
            s.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY, tiny TINYINT, huge HUGEINT, unsigned UBIGINT, name VARCHAR(10), "
                    + "price DECIMAL(9,3), happened TIMESTAMP_NS, seen TIMESTAMP WITH TIME ZONE, tags VARCHAR[], info STRUCT(a INTEGER, b VARCHAR), "
                    + "feeling mood, span INTERVAL, day DATE, ratio REAL)");
            s.execute("INSERT INTO legacy VALUES (7, -3, 170141183460469231731687303715884105727, 18446744073709551615, 'ada', 12.5, "
                    + "'2026-01-02 03:04:05.123456', '2026-01-02 03:04:05+01', ['a', 'b'], {'a': 1, 'b': 'x'}, 'sad', INTERVAL 90 MINUTE, "
                    + "'2026-01-02', 0.25), (8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        }

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

        List<Object[]> rows = new ArrayList<>();
        try (StreamReader r = source.read(new ReadRequest(model, schema, SyncType.INCREMENTAL,
                Optional.of(new CursorWindow("day", DataType.DATE, LocalDate.of(2026, 1, 1))), 10))) {
            assertThat(r.cursorUpperBound()).contains(LocalDate.of(9999, 12, 31));
            for (RowBatch b = r.next(); b != null; b = r.next()) rows.addAll(b.rows());
        }
        assertThat(rows).extracting(row -> row[0]).containsExactlyInAnyOrder(3L, 4L);
    }

    @Test
    void aQueryWithASyntaxErrorIsAConfigurationErrorNamingTheModel() {
        assertThatThrownBy(() -> source.describe(ModelSpec.query("broken", "SELECT id FORM kinds", List.of())))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("describing model broken failed")
                .hasMessageContaining("Parser Error")
                .hasMessageEndingWith("fix the SQL of the model's query")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
    }

    private WriteRequest request(StreamSchema schema, WriteMode mode) {
        return new WriteRequest("sync_" + schema.id().name(), schema.id(), schema, mode, 1, NOW, List.of());
    }

    private void write(StreamSchema schema, WriteMode mode, List<Object[]> rows) {
        try (StreamWriter w = destination.open(request(schema, mode))) {
            assertThat(w.write(new RowBatch(schema, rows)).rejected()).isEmpty();
            w.commit(new CommittedState("sync_" + schema.id().name(), 1, "{}", NOW));
        }
    }

    private List<Object[]> readAll(StreamSchema schema) {
        ModelSpec model = ModelSpec.table(schema.id().name(), schema.id(), schema.primaryKey());
        List<Object[]> rows = new ArrayList<>();
        try (StreamReader r = source.read(new ReadRequest(model, schema, SyncType.FULL_REFRESH, Optional.empty(), 2))) {
            for (RowBatch b = r.next(); b != null; b = r.next()) rows.addAll(b.rows());
        }
        rows.sort(Comparator.comparingLong(row -> ((Number) row[0]).longValue()));
        return rows;
    }

    /** Values compared by meaning (decimals without trailing zeros, bytes by content, instants in UTC), long text shortened. */
    private static List<List<Object>> normalized(List<Object[]> rows) {
        return rows.stream().map(row -> Arrays.stream(row).map(v -> switch (v) {
            case null -> "<null>";
            case BigDecimal d -> d.stripTrailingZeros().toPlainString();
            case byte[] b -> ByteBuffer.wrap(b);
            case String text when text.length() > 100 -> text.length() + " chars, hash " + text.hashCode();
            case OffsetDateTime t -> t.toInstant();
            default -> v;
        }).toList()).toList();
    }
}
