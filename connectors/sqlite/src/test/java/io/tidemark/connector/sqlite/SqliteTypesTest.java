package io.tidemark.connector.sqlite;

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
import java.sql.DriverManager;
import java.sql.ResultSet;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** Every kind written by Tidemark reads back exactly; tables made by other tools describe and read by SQLite's rules. */
class SqliteTypesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path workDir;
    private Source source;
    private Destination destination;

    @BeforeEach
    void open() {
        ConnectorConfig config = new ConnectorConfig("db", new SqliteConnectorFactory().configSpec(), Map.of("path", "data.sqlite"));
        ConnectorContext context = new ConnectorContext(Clock.fixed(NOW, ZoneOffset.UTC), workDir);
        source = new SqliteConnectorFactory().openSource(config, context);
        destination = new SqliteConnectorFactory().openDestination(config, context);
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
                Column.of("amount", DataType.decimal(38, 9)),
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
                        new BigDecimal("-12345678901234567890123456789.123456789"), new BigDecimal("-1234567890123456789012345678901234567890.5"),
                        "", "☃ émile 😀", LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT, LocalDateTime.of(1970, 1, 1, 0, 0),
                        OffsetDateTime.of(2026, 1, 31, 23, 30, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)), new byte[0],
                        new UUID(0, 0), "{}"},
                new Object[]{3L, true, Short.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Float.POSITIVE_INFINITY, Double.NaN,
                        new BigDecimal("0.000000001"), new BigDecimal("1E-30"), "x".repeat(100_000),
                        "\"quoted\", comma\nnewline\r\n\\N", LocalDate.of(9999, 12, 31), LocalTime.of(23, 59, 59, 999_999_999),
                        LocalDateTime.of(2026, 2, 28, 13, 14, 15, 123_456_789),
                        OffsetDateTime.of(2026, 2, 28, 13, 14, 15, 654_321_000, ZoneOffset.UTC), everyByte,
                        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "12345678901234567890.10"},
                new Object[]{4L, null, (short) 0, 0, 0L, Float.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, new BigDecimal("12.50"),
                        new BigDecimal("-0"), "\\N", "NULL", LocalDate.of(2026, 2, 28), LocalTime.of(0, 0, 1),
                        LocalDateTime.of(2026, 1, 1, 0, 0), OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 1, ZoneOffset.ofHours(-8)),
                        new byte[]{0}, UUID.fromString("c720be1f-97ae-4b31-b82c-f1ddc891f531"), "[1.10, true]"});
    }

    @Test
    void everyKindRoundTripsWithEdgeValues() {
        StreamSchema schema = allKinds();
        write(schema, WriteMode.REPLACE, edgeRows());

        StreamSchema described = source.describe(ModelSpec.table("kinds", schema.id(), List.of()));
        assertThat(described.primaryKey()).containsExactly("id");
        assertThat(described.columns()).extracting(Column::type).containsExactlyElementsOf(allKinds().columns().stream().map(Column::type).toList());
        assertThat(described.columns()).extracting(Column::nativeType).containsExactly("BIGINT", "BOOLEAN", "SMALLINT", "INT32",
                "BIGINT", "FLOAT32", "DOUBLE", "DECIMAL_TEXT(38,9)", "DECIMAL_TEXT", "TEXT", "VARCHAR(32)", "DATE", "TIME", "TIMESTAMP",
                "TIMESTAMPTZ", "BLOB", "UUID", "JSON_TEXT");
        assertThat(normalized(readAll(described))).isEqualTo(normalized(edgeRows()));
    }

    @Test
    void valuesAreStoredAsCanonicalTextThatOtherToolsCanRead() throws Exception {
        write(allKinds(), WriteMode.REPLACE, edgeRows());
        assertThat(query("SELECT amount, typeof(amount), local, instant, clock, flag, doc FROM kinds WHERE id = 3")).containsExactly(
                List.of("0.000000001", "text", "2026-02-28T13:14:15.123456789", "2026-02-28T13:14:15.654321", "23:59:59.999999999", 1,
                        "12345678901234567890.10"));
        assertThat(query("SELECT amount, instant FROM kinds WHERE id = 4")).containsExactly(List.of("12.500000000", "2026-01-01T08:00:00.000000001"));
    }

    @Test
    void cursorWindowsCompareTimestampsInTimeOrderWhateverTheirFraction() {
        StreamSchema schema = new StreamSchema(new StreamId(null, "events"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("at", DataType.TIMESTAMPTZ)), List.of("id"), null);
        OffsetDateTime base = OffsetDateTime.of(2026, 2, 1, 10, 0, 0, 0, ZoneOffset.UTC);
        write(schema, WriteMode.REPLACE, List.of(new Object[]{1L, base}, new Object[]{2L, base.plusNanos(500_000_000)},
                new Object[]{3L, base.plusSeconds(1)}, new Object[]{4L, base.minusNanos(1)}, new Object[]{5L, base.plusHours(2).withOffsetSameInstant(ZoneOffset.ofHours(-3))}));

        ModelSpec model = ModelSpec.table("events", schema.id(), List.of("id"));
        StreamSchema described = source.describe(model);
        List<Object> ids = new ArrayList<>();
        try (StreamReader r = source.read(new ReadRequest(model, described, SyncType.INCREMENTAL,
                Optional.of(new CursorWindow("at", DataType.TIMESTAMPTZ, base.plusNanos(1))), 100))) {
            assertThat(r.cursorUpperBound()).contains(base.plusHours(2));
            for (RowBatch b = r.next(); b != null; b = r.next()) b.rows().forEach(row -> ids.add(row[0]));
        }
        assertThat(ids).containsExactlyInAnyOrder(2L, 3L, 5L);
    }

    @Test
    void aTableCreatedByAnotherToolDescribesAndReadsBySqliteAffinity() throws Exception {
        execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY, qty INT, price REAL, name TEXT, code VARCHAR(10), total NUMERIC, "
                + "cost DECIMAL(10,2), happened DATETIME, day DATE, blob BLOB, anything, active BOOLEAN, ratio FLOAT)");
        execute("INSERT INTO legacy VALUES (1, 5000000000, 1.5, 'ada', 'A-1', 10, '12.50', '2026-01-02 03:04:05', '2026-01-02', x'00ff', 'free', 1, 0.5), "
                + "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 42, 'false', NULL)");

        DiscoveredStream legacy = source.discover().stream().filter(d -> d.schema().id().name().equals("legacy")).findFirst().orElseThrow();
        StreamSchema schema = legacy.schema();
        assertThat(schema.primaryKey()).containsExactly("id");
        assertThat(schema.column("id")).get().extracting(Column::nullable).isEqualTo(false);
        assertThat(schema.columns()).extracting(Column::name, Column::type).containsExactly(tuple("id", DataType.INT64),
                tuple("qty", DataType.INT64), tuple("price", DataType.FLOAT64), tuple("name", DataType.STRING),
                tuple("code", DataType.string(10)), tuple("total", DataType.DECIMAL), tuple("cost", DataType.decimal(10, 2)),
                tuple("happened", DataType.TIMESTAMP), tuple("day", DataType.DATE), tuple("blob", DataType.BYTES),
                tuple("anything", DataType.STRING), tuple("active", DataType.BOOLEAN), tuple("ratio", DataType.FLOAT64));
        assertThat(legacy.cursorCandidates()).containsExactly("id", "qty", "total", "cost", "happened", "day");

        List<Object[]> rows = readAll(schema);
        assertThat(normalized(rows)).containsExactly(
                List.of(1L, 5_000_000_000L, 1.5, "ada", "A-1", "10", "12.5", LocalDateTime.of(2026, 1, 2, 3, 4, 5),
                        LocalDate.of(2026, 1, 2), ByteBuffer.wrap(new byte[]{0, -1}), "free", true, 0.5),
                List.of(2L, "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "42", false, "<null>"));
        assertThat(((BigDecimal) rows.get(0)[6]).scale()).isEqualTo(2);
    }

    @Test
    void aValueThatDoesNotFitItsDeclaredTypeNamesTheColumn() throws Exception {
        execute("CREATE TABLE odd (id INTEGER PRIMARY KEY, born DATE)");
        execute("INSERT INTO odd VALUES (1, 1700000000)");
        ModelSpec model = ModelSpec.table("odd", new StreamId(null, "odd"), List.of());
        StreamSchema schema = source.describe(model);
        try (StreamReader r = source.read(new ReadRequest(model, schema, SyncType.FULL_REFRESH, Optional.empty(), 10))) {
            assertThatThrownBy(r::next).isInstanceOf(TidemarkException.class)
                    .hasMessageContaining("column born of main.odd")
                    .hasMessageContaining("1700000000")
                    .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.SOURCE_DATA_INVALID);
        }
    }

    @Test
    void aQueryModelTypesItsComputedColumnsFromTheirValues() {
        write(allKinds(), WriteMode.REPLACE, edgeRows());
        ModelSpec model = ModelSpec.query("q", "SELECT id, day, length(text) AS size, upper(short_text) AS shout, medium * 0.5 AS half "
                + "FROM kinds WHERE id > 1 ORDER BY id;", List.of("id"));
        StreamSchema schema = source.describe(model);
        assertThat(schema.columns()).extracting(Column::name, Column::type).containsExactly(tuple("id", DataType.INT64),
                tuple("day", DataType.DATE), tuple("size", DataType.INT64), tuple("shout", DataType.STRING), tuple("half", DataType.FLOAT64));

        List<Object[]> rows = new ArrayList<>();
        try (StreamReader r = source.read(new ReadRequest(model, schema, SyncType.INCREMENTAL,
                Optional.of(new CursorWindow("day", DataType.DATE, LocalDate.of(2026, 1, 1))), 10))) {
            assertThat(r.cursorUpperBound()).contains(LocalDate.of(9999, 12, 31));
            for (RowBatch b = r.next(); b != null; b = r.next()) rows.addAll(b.rows());
        }
        assertThat(rows).extracting(row -> row[0], row -> row[2]).containsExactlyInAnyOrder(tuple(3L, 100_000L), tuple(4L, 2L));
    }

    @Test
    void aQueryWithASyntaxErrorIsAConfigurationErrorNamingTheModel() {
        assertThatThrownBy(() -> source.describe(ModelSpec.query("broken", "SELECT id FORM kinds", List.of())))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("describing model broken failed")
                .hasMessageContaining("syntax error")
                .hasMessageEndingWith("fix the SQL of the model's query")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
    }

    private void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + workDir.resolve("data.sqlite")); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private List<List<Object>> query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + workDir.resolve("data.sqlite"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
                rows.add(row);
            }
            return rows;
        }
    }

    private void write(StreamSchema schema, WriteMode mode, List<Object[]> rows) {
        try (StreamWriter w = destination.open(new WriteRequest("sync_" + schema.id().name(), schema.id(), schema, mode, 1, NOW, List.of()))) {
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
            case OffsetDateTime t -> t.toInstant();
            case String text when text.length() > 100 -> text.length() + " chars, hash " + text.hashCode();
            default -> v;
        }).toList()).toList();
    }
}
