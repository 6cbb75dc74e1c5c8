package io.tidemark.connector.sqlite;

import io.tidemark.api.Column;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.jdbc.testing.KindRoundTripTest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** The shared round trip at SQLite's precision; tables made by other tools describe and read by SQLite's rules. */
class SqliteTypesTest extends KindRoundTripTest {
    @Override protected ConnectorFactory factory() { return new SqliteConnectorFactory(); }
    @Override protected String fileName() { return "data.sqlite"; }
    @Override protected Connection connect(Path file) throws SQLException { return DriverManager.getConnection("jdbc:sqlite:" + file); }
    @Override protected Object storedInteger(long value) { return Math.toIntExact(value); }
    @Override protected String syntaxErrorWording() { return "syntax error"; }

    /** Decimals are canonical text, so they hold 38 digits and more exactly; times keep nanoseconds. */
    @Override
    protected EdgeValues edgeValues() {
        return new EdgeValues(DataType.decimal(38, 9), new BigDecimal("-12345678901234567890123456789.123456789"),
                new BigDecimal("0.000000001"), new BigDecimal("-1234567890123456789012345678901234567890.5"), new BigDecimal("1E-30"),
                1, Float.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, "12345678901234567890.10", "[1.10, true]");
    }

    /** Every declared type, length limits included, describes back as written. */
    @Override
    protected List<DataType> describedKinds() { return allKinds().columns().stream().map(Column::type).toList(); }

    @Test
    void kindsAreStoredUnderDeclaredTypeNamesThatSayWhatTidemarkWrote() {
        write(allKinds(), WriteMode.REPLACE, edgeRows());
        StreamSchema described = source.describe(ModelSpec.table("kinds", allKinds().id(), List.of()));
        assertThat(described.columns()).extracting(Column::nativeType).containsExactly("BIGINT", "BOOLEAN", "SMALLINT", "INT32",
                "BIGINT", "FLOAT32", "DOUBLE", "DECIMAL_TEXT(38,9)", "DECIMAL_TEXT", "TEXT", "VARCHAR(32)", "DATE", "TIME", "TIMESTAMP",
                "TIMESTAMPTZ", "BLOB", "UUID", "JSON_TEXT");
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
        List<Object[]> rows = readWindow(model, described, new CursorWindow("at", DataType.TIMESTAMPTZ, base.plusNanos(1)), base.plusHours(2));
        assertThat(rows).extracting(row -> row[0]).containsExactlyInAnyOrder(2L, 3L, 5L);
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

        List<Object[]> rows = readWindow(model, schema, new CursorWindow("day", DataType.DATE, LocalDate.of(2026, 1, 1)),
                LocalDate.of(9999, 12, 31));
        assertThat(rows).extracting(row -> row[0], row -> row[2]).containsExactlyInAnyOrder(tuple(3L, 100_000L), tuple(4L, 2L));
    }
}
