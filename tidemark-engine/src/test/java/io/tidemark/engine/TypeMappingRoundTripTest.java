package io.tidemark.engine;

import io.tidemark.api.Column;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.engine.config.ConnectionConfig;
import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The type mapping between connectors ({@code docs/type-mapping.md}), end to end through the engine (full refresh):
 * <ul>
 *   <li>a Postgres table with a column of every type and rows of edge values goes into each destination, and is read
 *   back through that destination's own connector: every column must have the type the mapping table names, and every
 *   value must come back as it says (identical, or changed in the one documented way);</li>
 *   <li>values a destination cannot hold fail the run naming their column, and round-trip everywhere else;</li>
 *   <li>DuckDB and SQLite tables go into Postgres, which creates its columns from Tidemark types.</li>
 * </ul>
 * A mapping that changes fails here; update the document with it.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class TypeMappingRoundTripTest {
    /** The destination families of the mapping table. */
    enum Target { POSTGRES, DUCKDB, SQLITE, CSV, JSONL }

    private static final String LARGE_TEXT_UNIT = "Tidemark ☃ 😀 ";
    private static final int LARGE_TEXT_REPEAT = 80_000;
    /** 1.1 million characters, 1.4 MB of UTF-8. */
    private static final String LARGE_TEXT = LARGE_TEXT_UNIT.repeat(LARGE_TEXT_REPEAT);
    /** Every byte value once, as 512 hex digits. */
    private static final String EVERY_BYTE_HEX = IntStream.range(0, 256).mapToObj(i -> String.format("%02x", i)).collect(Collectors.joining());
    private static final int LARGE_BYTES_REPEAT = 4_096;
    private static final byte[] EVERY_BYTE = HexFormat.of().parseHex(EVERY_BYTE_HEX);
    /** 1 MiB. */
    private static final byte[] LARGE_BYTES = HexFormat.of().parseHex(EVERY_BYTE_HEX.repeat(LARGE_BYTES_REPEAT));

    /** A value as inserted at the source ({@code sql}) and as read back ({@code value}). */
    private record Cell(String sql, Object value) {
        static final Cell NULL = new Cell("null", null);
    }

    private static Cell v(String sql, Object value) { return new Cell(sql, value); }

    /** A text value, inserted as a string literal and read back as itself. */
    private static Cell s(String text) { return new Cell(literal(text), text); }

    private static String literal(String text) { return "'" + text.replace("'", "''") + "'"; }

    private static OffsetDateTime utc(String localDateTime) { return LocalDateTime.parse(localDateTime).atOffset(ZoneOffset.UTC); }

    /** A column's cell in {@code row}: row 1 is all NULL, rows 2, 3, … take the cells in order, NULL past the list. */
    private static Cell cell(List<Cell> cells, int row) { return row >= 2 && row - 2 < cells.size() ? cells.get(row - 2) : Cell.NULL; }

    /** The rows of a table of {@code columns}: the all-NULL row and one per cell of the longest column. */
    private static int rowCount(List<? extends List<Cell>> cells) { return 1 + cells.stream().mapToInt(List::size).max().orElseThrow(); }

    // --- the Postgres source table and its way into every destination ----------------------------------------------

    /**
     * A column of the Postgres source table {@code edge_values}.
     *
     * @param ddl        its type in the source's {@code CREATE TABLE}
     * @param nativeType its type as the source's catalog spells it, which a Postgres destination recreates
     * @param type       the Tidemark type the Postgres source reads it as
     * @param duckDb     the column DuckDB creates, as DuckDB's catalog spells it
     * @param duckDbType the Tidemark type DuckDB's column reads back as
     * @param sqlite     the column SQLite creates (its declared type, which reads back as {@code type})
     * @param cells      by row from row 2: the SQL inserted and the value the Postgres source reads
     */
    private record PgCol(String name, String ddl, String nativeType, DataType type, String duckDb, DataType duckDbType, String sqlite,
                         List<Cell> cells) {
        Cell cell(int row) { return TypeMappingRoundTripTest.cell(cells, row); }
    }

    private static final List<PgCol> COLUMNS = List.of(
            new PgCol("b", "boolean", "boolean", DataType.BOOLEAN, "BOOLEAN", DataType.BOOLEAN, "BOOLEAN",
                    List.of(v("false", false), v("true", true))),
            new PgCol("i2", "smallint", "smallint", DataType.INT16, "SMALLINT", DataType.INT16, "SMALLINT",
                    List.of(v("-32768", Short.MIN_VALUE), v("32767", Short.MAX_VALUE), v("0", (short) 0))),
            new PgCol("i4", "integer", "integer", DataType.INT32, "INTEGER", DataType.INT32, "INT32",
                    List.of(v("-2147483648", Integer.MIN_VALUE), v("2147483647", Integer.MAX_VALUE), v("0", 0))),
            new PgCol("i8", "bigint", "bigint", DataType.INT64, "BIGINT", DataType.INT64, "BIGINT",
                    List.of(v("-9223372036854775808", Long.MIN_VALUE), v("9223372036854775807", Long.MAX_VALUE), v("0", 0L))),
            new PgCol("f4", "real", "real", DataType.FLOAT32, "FLOAT", DataType.FLOAT32, "FLOAT32",
                    List.of(v("'-3.4028235e38'", -Float.MAX_VALUE), v("'3.4028235e38'", Float.MAX_VALUE), v("'NaN'", Float.NaN),
                            v("'Infinity'", Float.POSITIVE_INFINITY), v("'-0'", -0.0f), v("'1.4e-45'", Float.MIN_VALUE),
                            v("'-Infinity'", Float.NEGATIVE_INFINITY), v("'0.1'", 0.1f))),
            new PgCol("f8", "double precision", "double precision", DataType.FLOAT64, "DOUBLE", DataType.FLOAT64, "DOUBLE",
                    List.of(v("'-1.7976931348623157e308'", -Double.MAX_VALUE), v("'1.7976931348623157e308'", Double.MAX_VALUE),
                            v("'NaN'", Double.NaN), v("'-Infinity'", Double.NEGATIVE_INFINITY), v("'-0'", -0.0),
                            v("'4.9e-324'", Double.MIN_VALUE), v("'Infinity'", Double.POSITIVE_INFINITY), v("'0.1'", 0.1))),
            new PgCol("n_fixed", "numeric(10,4)", "numeric(10,4)", DataType.decimal(10, 4), "DECIMAL(10,4)", DataType.decimal(10, 4),
                    "DECIMAL_TEXT(10,4)",
                    List.of(v("-999999.9999", new BigDecimal("-999999.9999")), v("999999.9999", new BigDecimal("999999.9999")),
                            v("0", new BigDecimal("0.0000")), v("0.0001", new BigDecimal("0.0001")), v("-0.0001", new BigDecimal("-0.0001")),
                            v("12.5", new BigDecimal("12.5000")))),
            new PgCol("n_wide", "numeric(60,30)", "numeric(60,30)", DataType.decimal(60, 30), "DECIMAL(38,30)", DataType.decimal(38, 30),
                    "DECIMAL_TEXT(60,30)",
                    List.of(v("-12345678.123456789012345678901234567890", new BigDecimal("-12345678.123456789012345678901234567890")),
                            v("0.000000000000000000000000000001", new BigDecimal("0.000000000000000000000000000001")),
                            v("1", new BigDecimal("1.000000000000000000000000000000")))),
            new PgCol("n_free", "numeric", "numeric", DataType.DECIMAL, "DECIMAL(38,10)", DataType.decimal(38, 10), "DECIMAL_TEXT",
                    List.of(v("-1234567890123456789012345678.0123456789", new BigDecimal("-1234567890123456789012345678.0123456789")),
                            v("9999999999999999999999999999.9999999999", new BigDecimal("9999999999999999999999999999.9999999999")),
                            v("0", new BigDecimal("0")), v("1.50", new BigDecimal("1.50")), v("0.0000000001", new BigDecimal("1E-10")),
                            v("-42", new BigDecimal("-42")))),
            new PgCol("t", "text", "text", DataType.STRING, "VARCHAR", DataType.STRING, "TEXT",
                    List.of(s(""), v("repeat(" + literal(LARGE_TEXT_UNIT) + ", " + LARGE_TEXT_REPEAT + ")", LARGE_TEXT),
                            s("émile ☃ 😀 e\u0301 👨‍👩‍👧 日本語 עברית"), s("comma, \"quote\"\nnewline\r\nCRLF\ttab \\ backslash"),
                            s("NULL"), s("\\N"), s("   "), s(" leading and trailing "))),
            new PgCol("vc", "varchar(16)", "character varying(16)", DataType.string(16), "VARCHAR", DataType.STRING, "VARCHAR(16)",
                    List.of(s(""), s("sixteen chars!!!"), s("😀".repeat(16)), s("e\u0301"))),
            new PgCol("bc", "char(4)", "character(4)", DataType.string(4), "VARCHAR", DataType.STRING, "VARCHAR(4)",
                    List.of(v("''", ""), s("abcd"), v("'ab'", "ab"), v("' a'", " a"))),
            new PgCol("d", "date", "date", DataType.DATE, "DATE", DataType.DATE, "DATE",
                    List.of(v("'0001-01-01'", LocalDate.of(1, 1, 1)), v("'9999-12-31'", LocalDate.of(9999, 12, 31)),
                            v("'2000-02-29'", LocalDate.of(2000, 2, 29)), v("'1969-12-31'", LocalDate.of(1969, 12, 31)),
                            v("'1582-10-10'", LocalDate.of(1582, 10, 10)))),
            new PgCol("tm", "time", "time without time zone", DataType.TIME, "TIME", DataType.TIME, "TIME",
                    List.of(v("'00:00:00'", LocalTime.MIDNIGHT), v("'23:59:59.999999'", LocalTime.of(23, 59, 59, 999_999_000)),
                            v("'12:34:56.000001'", LocalTime.of(12, 34, 56, 1_000)), v("'24:00:00'", LocalTime.MAX))),
            new PgCol("ts", "timestamp", "timestamp without time zone", DataType.TIMESTAMP, "TIMESTAMP", DataType.TIMESTAMP, "TIMESTAMP",
                    List.of(v("'0001-01-01 00:00:00'", LocalDateTime.of(1, 1, 1, 0, 0)),
                            v("'9999-12-31 23:59:59.999999'", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)),
                            v("'1969-12-31 23:59:59.999999'", LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000)),
                            v("'2026-03-29 02:30:00'", LocalDateTime.of(2026, 3, 29, 2, 30)),
                            v("'1582-10-10 12:00:00'", LocalDateTime.of(1582, 10, 10, 12, 0)),
                            v("'2026-01-02 03:04:05.123456'", LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000)))),
            new PgCol("tstz", "timestamptz", "timestamp with time zone", DataType.TIMESTAMPTZ, "TIMESTAMP WITH TIME ZONE",
                    DataType.TIMESTAMPTZ, "TIMESTAMPTZ",
                    List.of(v("'0001-01-01 00:00:00+00'", utc("0001-01-01T00:00:00")),
                            v("'9999-12-31 23:59:59.999999+00'", utc("9999-12-31T23:59:59.999999")),
                            v("'2026-03-01 12:00:00+05:30'", utc("2026-03-01T06:30:00")),
                            v("'2026-03-01 12:00:00-08'", utc("2026-03-01T20:00:00")),
                            v("'1999-12-31 23:59:59.999999+14'", utc("1999-12-31T09:59:59.999999")),
                            v("'1969-12-31 23:59:59.999999+00'", utc("1969-12-31T23:59:59.999999")))),
            new PgCol("bin", "bytea", "bytea", DataType.BYTES, "BLOB", DataType.BYTES, "BLOB",
                    List.of(v("'\\x'", new byte[0]), v("decode(repeat('" + EVERY_BYTE_HEX + "', " + LARGE_BYTES_REPEAT + "), 'hex')", LARGE_BYTES),
                            v("'\\x" + EVERY_BYTE_HEX + "'", EVERY_BYTE), v("'\\x00'", new byte[]{0}))),
            new PgCol("u", "uuid", "uuid", DataType.UUID_TYPE, "UUID", DataType.UUID_TYPE, "UUID",
                    List.of(v("'00000000-0000-0000-0000-000000000000'", new UUID(0, 0)),
                            v("'ffffffff-ffff-ffff-ffff-ffffffffffff'", new UUID(-1, -1)),
                            v("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")))),
            new PgCol("j", "json", "json", DataType.JSON, "JSON", DataType.JSON, "JSON_TEXT",
                    List.of(s("[]"), s("{\"b\": 1,   \"a\": [1, 2.50, {\"é\": \"☃ 😀\"}], \"a\": null}"), s("\"just a string\""),
                            s("{\"nested\": {\"deeper\": [[], {}, [null, true, -0.0, 1e-7]]}}"))),
            new PgCol("jb", "jsonb", "jsonb", DataType.JSON, "JSON", DataType.JSON, "JSON_TEXT",
                    List.of(s("{}"), v(literal("{\"b\": 1, \"a\": [1, 2.50, {\"é\": \"☃ 😀\"}], \"c\": \"x\"}"),
                                    "{\"a\": [1, 2.50, {\"é\": \"☃ 😀\"}], \"b\": 1, \"c\": \"x\"}"),
                            v(literal("{\"k\": 1,  \"k\": 2}"), "{\"k\": 2}"))),
            new PgCol("ints", "integer[]", "integer[]", DataType.STRING, "VARCHAR", DataType.STRING, "TEXT",
                    List.of(s("{}"), s("{1,2,NULL}"), s("{{1,2},{3,4}}"))),
            new PgCol("texts", "text[]", "text[]", DataType.STRING, "VARCHAR", DataType.STRING, "TEXT",
                    List.of(s("{\"a b\",\"c,d\",\"\",NULL}"))),
            new PgCol("iv", "interval", "interval", DataType.STRING, "VARCHAR", DataType.STRING, "TEXT",
                    List.of(s("-1 days"), s("1 year 2 mons 3 days 04:05:06.789"))),
            new PgCol("ip", "inet", "inet", DataType.STRING, "VARCHAR", DataType.STRING, "TEXT",
                    List.of(s("192.168.0.1/24"), v("'::1'", "::1/128"))),
            new PgCol("m", "mood", "text", DataType.STRING, "VARCHAR", DataType.STRING, "TEXT",
                    List.of(s("happy"), s("sad"))));

    private static final int ROWS = rowCount(COLUMNS.stream().map(PgCol::cells).toList());

    private static PostgresServer pg;
    private static String sourceDb;

    @TempDir Path dir;

    @BeforeAll
    static void sourceTables(PostgresServer server) {
        pg = server;
        sourceDb = server.createDatabase("type_mapping_source");
        List<String> sql = new ArrayList<>();
        sql.add("create type mood as enum ('sad', 'happy')");
        sql.add("create table edge_values (id bigint primary key, "
                + COLUMNS.stream().map(c -> c.name() + " " + c.ddl()).collect(Collectors.joining(", ")) + ")");
        for (int row = 1; row <= ROWS; row++) {
            int r = row;
            sql.add("insert into edge_values values (" + row + ", "
                    + COLUMNS.stream().map(c -> c.cell(r).sql()).collect(Collectors.joining(", ")) + ")");
        }
        for (Beyond b : Beyond.values()) sql.addAll(b.sql);
        server.execute(sourceDb, sql.toArray(String[]::new));
    }

    @Test
    void thePostgresSourceReadsEveryTypeAsTheMappingSays() throws Exception {
        try (SyncEngine engine = engine(Target.CSV, "edge_values")) {
            Table read = readBack(engine, "src", new StreamId("public", "edge_values"));

            assertThat(read.schema().nativeDialect()).isEqualTo("postgres");
            assertThat(columnsOf(read.schema())).containsExactlyElementsOf(COLUMNS.stream()
                    .map(c -> c.name() + " " + c.type() + " (" + c.nativeType() + ")").toList());
            assertThat(differences(read.rows(), ROWS, names(COLUMNS), (row, i) -> COLUMNS.get(i).cell(row).value())).isEmpty();
        }
    }

    @ParameterizedTest(name = "postgres -> {0}")
    @EnumSource(Target.class)
    void everyTypeRoundTripsFromPostgresAsTheMappingSays(Target target) throws Exception {
        try (SyncEngine engine = engine(target, "edge_values")) {
            RunRecord run = engine.run("edges", "manual", RunListener.NONE);
            assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.counts().rowsWritten()).isEqualTo(ROWS);

            Table back = readBack(engine, "dst", new StreamId(null, "edge_values"));
            assertThat(columnsOf(back.schema())).containsExactlyElementsOf(COLUMNS.stream().map(c -> created(target, c)).toList());
            assertThat(differences(back.rows(), ROWS, names(COLUMNS),
                    (row, i) -> expectedIn(target, COLUMNS.get(i), COLUMNS.get(i).cell(row).value()))).isEmpty();
        }
    }

    /** The column the mapping table says {@code target} creates, as {@link #columnsOf} shows it. */
    private static String created(Target target, PgCol c) {
        return c.name() + " " + switch (target) {
            case POSTGRES -> c.type() + " (" + c.nativeType() + ")";
            case DUCKDB -> c.duckDbType() + " (" + c.duckDb() + ")";
            case SQLITE -> c.type() + " (" + c.sqlite() + ")";
            // The sidecar keeps the source's native types, so that a Postgres destination fed from the files recreates them.
            case CSV, JSONL -> c.type() + " (" + c.nativeType() + ")";
        };
    }

    /**
     * What {@code target} gives back for a value the source read: the "edge values" column of the mapping table. Every
     * value not named here comes back identical (NaN, -0.0, scale of decimals, microseconds and the UTC offset included).
     */
    private static Object expectedIn(Target target, PgCol column, Object sent) {
        return switch (target) {
            case DUCKDB -> switch (sent) {
                // A DuckDB DECIMAL(p,s) column gives every value its scale s.
                case BigDecimal d -> d.setScale(column.duckDbType().scale());
                // Postgres' 24:00:00 (LocalTime.MAX) is loaded at DuckDB's microsecond precision.
                case LocalTime t when t.equals(LocalTime.MAX) -> LocalTime.of(23, 59, 59, 999_999_000);
                case null, default -> sent;
            };
            // SQLite stores a REAL that equals an integer as that integer, and -0.0 == 0.
            case SQLITE -> switch (sent) {
                case Float f when f == 0 -> 0.0f;
                case Double d when d == 0 -> 0.0;
                case null, default -> sent;
            };
            case POSTGRES, CSV, JSONL -> sent;
        };
    }

    /**
     * Tables whose values some destinations cannot hold: the run fails there naming the column, and every other
     * destination round-trips them exactly.
     */
    enum Beyond {
        /** Unbounded numerics beyond DuckDB's DECIMAL(38,10), which unbounded decimals get there. */
        UNBOUNDED_EXTREMES(EnumSet.of(Target.DUCKDB), ErrorCode.DESTINATION_REJECTED,
                "column n does not fit its destination type decimal(38,10) without rounding",
                "create table unbounded_extremes (id bigint primary key, n numeric)",
                "insert into unbounded_extremes values (1, (repeat('9', 500) || '.' || repeat('1', 200))::numeric),"
                        + " (2, '-1e-300'), (3, '0.12345678901')"),
        /** A numeric(60,30) with more than the 8 integer digits DuckDB's DECIMAL(38,30) keeps. */
        WIDE_DECIMALS(EnumSet.of(Target.DUCKDB), ErrorCode.DESTINATION_REJECTED,
                "column n does not fit its destination type decimal(38,30) without rounding",
                "create table wide_decimals (id bigint primary key, n numeric(60,30))",
                "insert into wide_decimals values (1, '123456789012345678901234567890.5')"),
        /** Postgres' ±infinity dates and timestamps: carried as the Java MIN/MAX, which DuckDB refuses. */
        INFINITE_DATES(EnumSet.of(Target.DUCKDB), ErrorCode.DESTINATION_REJECTED,
                "of column d is not within the years -9999 to 9999 that Tidemark loads into DuckDB",
                "create table infinite_dates (id bigint primary key, d date, ts timestamp, tstz timestamptz)",
                "insert into infinite_dates values (1, 'infinity', 'infinity', 'infinity'), (2, '-infinity', '-infinity', '-infinity')"),
        /** Dates and timestamps before the year 1, and in the gap the Julian calendar skipped. */
        BC_DATES(EnumSet.noneOf(Target.class), null, null,
                "create table bc_dates (id bigint primary key, d date, ts timestamp, tstz timestamptz)",
                "insert into bc_dates values (1, '0044-03-15 BC', '0001-12-31 23:59:59.999999 BC', '4713-01-01 00:00:00+00 BC'),"
                        + " (2, '1582-10-04', '1582-10-10 12:00:00', '1582-10-14 23:59:59+00')"),
        /**
         * Numeric NaN and ±Infinity have no decimal value: the source refuses them when it decodes rows, which it does for
         * every destination but Postgres (see {@link TypeMappingRoundTripTest#postgresToPostgresKeepsNumericNaNAndInfinity}).
         */
        NUMERIC_NAN(EnumSet.of(Target.DUCKDB, Target.SQLITE, Target.CSV, Target.JSONL), ErrorCode.SOURCE_DATA_INVALID,
                "column \"n\": numeric value NaN cannot be carried as a decimal",
                "create table numeric_nan (id bigint primary key, n numeric)",
                "insert into numeric_nan values (1, 1.5), (2, 'NaN'), (3, 'Infinity'), (4, '-Infinity')");

        final Set<Target> refusing;
        final ErrorCode error;
        final String message;
        final List<String> sql;

        Beyond(Set<Target> refusing, ErrorCode error, String message, String... sql) {
            this.refusing = refusing;
            this.error = error;
            this.message = message;
            this.sql = List.of(sql);
        }

        String table() { return name().toLowerCase(Locale.ROOT); }
    }

    static Stream<Arguments> valuesBeyondDestinations() {
        return Arrays.stream(Beyond.values()).flatMap(b -> Arrays.stream(Target.values())
                .filter(t -> b != Beyond.NUMERIC_NAN || t != Target.POSTGRES).map(t -> Arguments.of(b, t)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("valuesBeyondDestinations")
    void valuesADestinationCannotHoldFailTheRunNamingTheColumnAndOthersRoundTripExactly(Beyond values, Target target) throws Exception {
        try (SyncEngine engine = engine(target, values.table())) {
            RunRecord run = engine.run("edges", "manual", RunListener.NONE);
            if (values.refusing.contains(target)) {
                assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                assertThat(run.errorCode()).isEqualTo(values.error.code());
                assertThat(run.errorMessage()).contains(values.message);
                return;
            }
            assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            List<Object[]> sent = readBack(engine, "src", new StreamId("public", values.table())).rows();
            List<Object[]> back = readBack(engine, "dst", new StreamId(null, values.table())).rows();
            assertThat(back).hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) assertThat(back.get(i)).as("row %d", i + 1).isEqualTo(sent.get(i));
        }
    }

    /** Raw COPY passthrough never decodes a value, so Postgres → Postgres carries what no Tidemark type can. */
    @Test
    void postgresToPostgresKeepsNumericNaNAndInfinity() throws Exception {
        String target = pg.createDatabase("type_mapping_target");
        try (SyncEngine engine = engine(postgres(sourceDb), postgres(target), Beyond.NUMERIC_NAN.table())) {
            RunRecord run = engine.run("edges", "manual", RunListener.NONE);
            assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
        }
        String select = "select id, n::text from numeric_nan order by id";
        assertThat(rows(target, select)).isEqualTo(rows(sourceDb, select))
                .containsExactly(List.of("1", "1.5"), List.of("2", "NaN"), List.of("3", "Infinity"), List.of("4", "-Infinity"));
    }

    /**
     * A file destination keeps the source's native types in its schema sidecar, so a Postgres table exported to files and
     * loaded back into Postgres gets its own types again, and every value.
     */
    @ParameterizedTest(name = "postgres -> {0} -> postgres")
    @EnumSource(value = Target.class, names = {"CSV", "JSONL"})
    void postgresThroughFilesBackIntoPostgresKeepsTypesAndValues(Target format) throws Exception {
        Files.createDirectories(dir.resolve("files"));
        String target = pg.createDatabase("type_mapping_target");
        try (SyncEngine engine = engine("""
                connections:
                  src: %s
                  files: { type: files, path: files, format: %s }
                  dst: %s
                models:
                  edges: { connection: src, table: edge_values, primary_key: [id] }
                  exported: { connection: files, table: edge_values, primary_key: [id] }
                syncs:
                  out: { model: edges, destination: files, table: edge_values, sync_type: full_refresh }
                  back: { model: exported, destination: dst, table: edge_values, sync_type: full_refresh }
                """.formatted(postgres(sourceDb), format.name().toLowerCase(Locale.ROOT), postgres(target)))) {
            for (String sync : List.of("out", "back")) {
                RunRecord run = engine.run(sync, "manual", RunListener.NONE);
                assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            }
        }
        String types = "select attname, format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'edge_values'::regclass"
                + " and attnum > 0 order by attnum";
        assertThat(rows(target, types)).isEqualTo(rows(sourceDb, types).stream()
                .map(r -> r.get(0).equals("m") ? List.of("m", "text") : r).toList());
        String values = "select id, " + COLUMNS.stream().map(c -> c.ddl().equals("text") || c.ddl().equals("bytea")
                ? "md5(" + c.name() + ")" : c.name() + "::text").collect(Collectors.joining(", ")) + " from edge_values order by id";
        assertThat(rows(target, values)).isEqualTo(rows(sourceDb, values));
    }

    // --- DuckDB and SQLite sources into Postgres, which creates its columns from Tidemark types ---------------------

    /** A database file as a source. */
    enum Database {
        DUCKDB("duckdb", "source.duckdb"), SQLITE("sqlite", "source.sqlite");

        final String type;
        final String file;

        Database(String type, String file) {
            this.type = type;
            this.file = file;
        }

        String connection() { return "{ type: " + type + ", path: " + file + " }"; }

        Connection connect(Path dir) throws Exception { return DriverManager.getConnection("jdbc:" + type + ":" + dir.resolve(file)); }
    }

    /**
     * A column of a DuckDB or SQLite source table.
     *
     * @param ddl      its type in the source's {@code CREATE TABLE}
     * @param type     the Tidemark type the source reads it as
     * @param postgres the column Postgres creates for that type, as Postgres' catalog spells it
     * @param cells    by row from row 2: the SQL inserted at the source and the value read back from Postgres
     */
    private record Col(String name, String ddl, DataType type, String postgres, List<Cell> cells) {
        Cell cell(int row) { return TypeMappingRoundTripTest.cell(cells, row); }
    }

    private static final List<Col> DUCKDB_COLUMNS = List.of(
            new Col("b", "BOOLEAN", DataType.BOOLEAN, "boolean", List.of(v("false", false), v("true", true))),
            new Col("i1", "TINYINT", DataType.INT16, "smallint", List.of(v("-128", (short) -128), v("127", (short) 127))),
            new Col("i2", "SMALLINT", DataType.INT16, "smallint", List.of(v("-32768", Short.MIN_VALUE), v("32767", Short.MAX_VALUE))),
            new Col("i4", "INTEGER", DataType.INT32, "integer", List.of(v("-2147483648", Integer.MIN_VALUE), v("2147483647", Integer.MAX_VALUE))),
            new Col("i8", "BIGINT", DataType.INT64, "bigint",
                    List.of(v("-9223372036854775808", Long.MIN_VALUE), v("9223372036854775807", Long.MAX_VALUE))),
            new Col("u1", "UTINYINT", DataType.INT16, "smallint", List.of(v("0", (short) 0), v("255", (short) 255))),
            new Col("u2", "USMALLINT", DataType.INT32, "integer", List.of(v("0", 0), v("65535", 65535))),
            new Col("u4", "UINTEGER", DataType.INT64, "bigint", List.of(v("0", 0L), v("4294967295", 4294967295L))),
            new Col("u8", "UBIGINT", DataType.decimal(20, 0), "numeric(20,0)",
                    List.of(v("0", new BigDecimal("0")), v("18446744073709551615", new BigDecimal("18446744073709551615")))),
            new Col("i16", "HUGEINT", DataType.decimal(38, 0), "numeric(38,0)",
                    List.of(v("-" + "9".repeat(38), new BigDecimal("-" + "9".repeat(38))), v("9".repeat(38), new BigDecimal("9".repeat(38))))),
            new Col("f4", "FLOAT", DataType.FLOAT32, "real",
                    List.of(v("-3.4028235e38", -Float.MAX_VALUE), v("3.4028235e38", Float.MAX_VALUE), v("'NaN'", Float.NaN),
                            v("'-Infinity'", Float.NEGATIVE_INFINITY), v("'-0.0'", -0.0f), v("1.4e-45", Float.MIN_VALUE))),
            new Col("f8", "DOUBLE", DataType.FLOAT64, "double precision",
                    List.of(v("-1.7976931348623157e308", -Double.MAX_VALUE), v("1.7976931348623157e308", Double.MAX_VALUE),
                            v("'Infinity'", Double.POSITIVE_INFINITY), v("'NaN'", Double.NaN), v("'-0.0'", -0.0),
                            v("4.9e-324", Double.MIN_VALUE))),
            new Col("dec", "DECIMAL(18,3)", DataType.decimal(18, 3), "numeric(18,3)",
                    List.of(v("-999999999999999.999", new BigDecimal("-999999999999999.999")),
                            v("999999999999999.999", new BigDecimal("999999999999999.999")), v("0", new BigDecimal("0.000")),
                            v("12.5", new BigDecimal("12.500")))),
            new Col("dec38", "DECIMAL(38,10)", DataType.decimal(38, 10), "numeric(38,10)",
                    List.of(v("-9999999999999999999999999999.9999999999", new BigDecimal("-9999999999999999999999999999.9999999999")),
                            v("9999999999999999999999999999.9999999999", new BigDecimal("9999999999999999999999999999.9999999999")),
                            v("0.0000000001", new BigDecimal("0.0000000001")))),
            new Col("t", "VARCHAR", DataType.STRING, "text",
                    List.of(s(""), v("repeat(" + literal(LARGE_TEXT_UNIT) + ", " + LARGE_TEXT_REPEAT + ")", LARGE_TEXT),
                            s("émile ☃ 😀 e\u0301 👨‍👩‍👧 日本語 עברית"), s("NULL"), s("\\N"))),
            new Col("vc", "VARCHAR(4)", DataType.STRING, "text", List.of(s("longer than four"))),
            new Col("d", "DATE", DataType.DATE, "date",
                    List.of(v("'0001-01-01'", LocalDate.of(1, 1, 1)), v("'9999-12-31'", LocalDate.of(9999, 12, 31)),
                            v("'0044-03-15 (BC)'", LocalDate.of(-43, 3, 15)), v("'1582-10-10'", LocalDate.of(1582, 10, 10)))),
            new Col("tm", "TIME", DataType.TIME, "time without time zone",
                    List.of(v("'00:00:00'", LocalTime.MIDNIGHT), v("'23:59:59.999999'", LocalTime.of(23, 59, 59, 999_999_000)))),
            new Col("ts", "TIMESTAMP", DataType.TIMESTAMP, "timestamp without time zone",
                    List.of(v("'0001-01-01 00:00:00'", LocalDateTime.of(1, 1, 1, 0, 0)),
                            v("'9999-12-31 23:59:59.999999'", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)),
                            v("'1969-12-31 23:59:59.999999'", LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000)))),
            // Postgres keeps microseconds: the nanoseconds of a TIMESTAMP_NS are dropped (not rounded).
            new Col("ts_ns", "TIMESTAMP_NS", DataType.TIMESTAMP, "timestamp without time zone",
                    List.of(v("'2026-01-02 03:04:05.123456789'", LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000)),
                            v("'1969-12-31 23:59:59.999999999'", LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000)))),
            new Col("tstz", "TIMESTAMPTZ", DataType.TIMESTAMPTZ, "timestamp with time zone",
                    List.of(v("'0001-01-01 00:00:00+00'", utc("0001-01-01T00:00:00")), v("'2026-03-01 12:00:00+05:30'", utc("2026-03-01T06:30:00")),
                            v("'1999-12-31 23:59:59.999999-08'", utc("2000-01-01T07:59:59.999999")))),
            new Col("bin", "BLOB", DataType.BYTES, "bytea",
                    List.of(v("''::BLOB", new byte[0]), v("unhex(repeat('" + EVERY_BYTE_HEX + "', " + LARGE_BYTES_REPEAT + "))", LARGE_BYTES))),
            new Col("u", "UUID", DataType.UUID_TYPE, "uuid",
                    List.of(v("'00000000-0000-0000-0000-000000000000'", new UUID(0, 0)), v("'ffffffff-ffff-ffff-ffff-ffffffffffff'", new UUID(-1, -1)))),
            // Postgres creates jsonb: the document's meaning is kept, its text normalised (key order, spacing, duplicate keys).
            new Col("j", "JSON", DataType.JSON, "jsonb",
                    List.of(v("'[]'", "[]"), v(literal("{\"b\": 1,  \"a\": [1, 2.50, {\"é\": \"☃ 😀\"}], \"a\": null}"), "{\"a\": null, \"b\": 1}"),
                            v("'\"x\"'", "\"x\""))),
            new Col("list", "INTEGER[]", DataType.JSON, "jsonb", List.of(v("[]", "[]"), v("[1, 2, NULL]", "[1, 2, null]"))),
            new Col("st", "STRUCT(b INTEGER, a VARCHAR)", DataType.JSON, "jsonb",
                    List.of(v("{'b': NULL, 'a': NULL}", "{\"a\": null, \"b\": null}"), v("{'b': 1, 'a': 'x'}", "{\"a\": \"x\", \"b\": 1}"))),
            new Col("mp", "MAP(VARCHAR, INTEGER)", DataType.JSON, "jsonb",
                    List.of(v("MAP {}", "{}"), v("MAP {'z': 2, 'k': 1}", "{\"k\": 1, \"z\": 2}"))),
            new Col("iv", "INTERVAL", DataType.STRING, "text",
                    List.of(v("INTERVAL '-1 day'", "-1 day"), v("INTERVAL '1 year 2 months 3 days 04:05:06.789'", "1 year 2 months 3 days 04:05:06.789"))),
            new Col("m", "mood", DataType.STRING, "text", List.of(s("sad"), s("happy"))),
            new Col("ttz", "TIMETZ", DataType.STRING, "text", List.of(v("'12:00:00+05:30'", "12:00:00+05:30"))),
            new Col("bits", "BIT", DataType.STRING, "text", List.of(v("'101'", "101"))),
            new Col("arr3", "INTEGER[3]", DataType.JSON, "jsonb", List.of(v("[1, 2, 3]", "[1, 2, 3]"))),
            new Col("un", "UNION(n INTEGER, s VARCHAR)", DataType.JSON, "jsonb", List.of(v("'x'", "{\"s\": \"x\"}"))));

    private static final List<Col> SQLITE_COLUMNS = List.of(
            new Col("b", "BOOLEAN", DataType.BOOLEAN, "boolean", List.of(v("0", false), v("1", true), v("'true'", true))),
            new Col("i2", "SMALLINT", DataType.INT16, "smallint", List.of(v("-32768", Short.MIN_VALUE), v("32767", Short.MAX_VALUE))),
            new Col("i4", "INT32", DataType.INT32, "integer", List.of(v("-2147483648", Integer.MIN_VALUE), v("2147483647", Integer.MAX_VALUE))),
            new Col("i8", "INTEGER", DataType.INT64, "bigint",
                    List.of(v("-9223372036854775808", Long.MIN_VALUE), v("9223372036854775807", Long.MAX_VALUE))),
            // SQLite keeps -0.0 as 0 (a REAL equal to an integer is stored as that integer); NaN as the text 'NaN'.
            new Col("f4", "FLOAT32", DataType.FLOAT32, "real",
                    List.of(v("3.4028234663852886e38", Float.MAX_VALUE), v("'NaN'", Float.NaN), v("-0.0", 0.0f), v("1.401298464324817e-45", Float.MIN_VALUE))),
            new Col("f8", "REAL", DataType.FLOAT64, "double precision",
                    List.of(v("1.7976931348623157e308", Double.MAX_VALUE), v("9e999", Double.POSITIVE_INFINITY), v("-9e999", Double.NEGATIVE_INFINITY),
                            v("'NaN'", Double.NaN), v("4.9e-324", Double.MIN_VALUE))),
            new Col("dec", "DECIMAL_TEXT(10,2)", DataType.decimal(10, 2), "numeric(10,2)",
                    List.of(v("'-99999999.99'", new BigDecimal("-99999999.99")), v("'5'", new BigDecimal("5.00")), v("'-0.01'", new BigDecimal("-0.01")))),
            // NUMERIC affinity (another tool's DECIMAL): SQLite itself turns the text into a REAL of 15 significant digits.
            new Col("dec_num", "DECIMAL(10,2)", DataType.decimal(10, 2), "numeric(10,2)",
                    List.of(v("'12.50'", new BigDecimal("12.50")), v("'-0.1'", new BigDecimal("-0.10")))),
            new Col("num", "NUMERIC", DataType.DECIMAL, "numeric",
                    List.of(v("'0.1'", new BigDecimal("0.1")), v("'123456789012345678901234567890.123'", new BigDecimal("123456789012345680000000000000")),
                            v("42", new BigDecimal("42")))),
            new Col("num_text", "DECIMAL_TEXT", DataType.DECIMAL, "numeric",
                    List.of(v("'123456789012345678901234567890.123'", new BigDecimal("123456789012345678901234567890.123")),
                            v("'-1e-30'", new BigDecimal("-1E-30")))),
            new Col("vc", "VARCHAR(16)", DataType.string(16), "character varying(16)", List.of(s(""), s("sixteen chars!!!"))),
            new Col("t", "TEXT", DataType.STRING, "text",
                    List.of(s("émile ☃ 😀 e\u0301 👨‍👩‍👧"), v("replace(hex(zeroblob(" + LARGE_TEXT_REPEAT + ")), '00', " + literal(LARGE_TEXT_UNIT) + ")", LARGE_TEXT), s("NULL"))),
            new Col("any", "", DataType.STRING, "text", List.of(v("42", "42"), v("1.5", "1.5"), s("x"))),
            new Col("d", "DATE", DataType.DATE, "date",
                    List.of(v("'0001-01-01'", LocalDate.of(1, 1, 1)), v("'9999-12-31'", LocalDate.of(9999, 12, 31)),
                            v("'-0043-03-15'", LocalDate.of(-43, 3, 15)))),
            new Col("tm", "TIME", DataType.TIME, "time without time zone",
                    List.of(v("'12:34:56.123456789'", LocalTime.of(12, 34, 56, 123_456_000)), v("'00:00'", LocalTime.MIDNIGHT))),
            new Col("ts", "DATETIME", DataType.TIMESTAMP, "timestamp without time zone",
                    List.of(v("'2026-01-02 03:04:05.123456789'", LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000)),
                            v("'2026-01-02T03:04:05'", LocalDateTime.of(2026, 1, 2, 3, 4, 5)))),
            new Col("tstz", "TIMESTAMPTZ", DataType.TIMESTAMPTZ, "timestamp with time zone",
                    List.of(v("'2026-03-01 12:00:00+05:30'", utc("2026-03-01T06:30:00")), v("'2026-03-01T12:00:00'", utc("2026-03-01T12:00:00")))),
            new Col("bin", "BLOB", DataType.BYTES, "bytea", List.of(v("X''", new byte[0]), v("X'00FF'", new byte[]{0, -1}))),
            new Col("u", "UUID", DataType.UUID_TYPE, "uuid",
                    List.of(v("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
                            v("X'A0EEBC999C0B4EF8BB6D6BB9BD380A11'", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")))),
            new Col("j", "JSON", DataType.JSON, "jsonb", List.of(v("'{\"b\": 1,  \"a\": 2.50}'", "{\"a\": 2.50, \"b\": 1}"))));

    @Test
    void everyDuckDbTypeArrivesInPostgresAsTheMappingSays() throws Exception {
        try (Connection c = Database.DUCKDB.connect(dir); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')");
        }
        assertArrivesInPostgres(Database.DUCKDB, "duck_values", DUCKDB_COLUMNS);
    }

    @Test
    void everySqliteTypeArrivesInPostgresAsTheMappingSays() throws Exception {
        assertArrivesInPostgres(Database.SQLITE, "lite_values", SQLITE_COLUMNS);
    }

    /**
     * Creates {@code table} with {@code columns} and their rows in {@code database}, checks the types its connector reads
     * them as, syncs the table into a new Postgres database, and checks the columns Postgres created and every value read
     * back from them.
     */
    private void assertArrivesInPostgres(Database database, String table, List<Col> columns) throws Exception {
        int rows = rowCount(columns.stream().map(Col::cells).toList());
        try (Connection c = database.connect(dir); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, "
                    + columns.stream().map(o -> (o.name() + " " + o.ddl()).strip()).collect(Collectors.joining(", ")) + ")");
            for (int row = 1; row <= rows; row++) {
                int r = row;
                s.execute("INSERT INTO " + table + " VALUES (" + row + ", "
                        + columns.stream().map(o -> o.cell(r).sql()).collect(Collectors.joining(", ")) + ")");
            }
        }
        try (SyncEngine engine = engine(database.connection(), postgres(pg.createDatabase("type_mapping_target")), table)) {
            assertThat(withoutKey(readBack(engine, "src", new StreamId(null, table)).schema()))
                    .extracting(col -> col.name() + " " + col.type())
                    .containsExactlyElementsOf(columns.stream().map(o -> o.name() + " " + o.type()).toList());
            RunRecord run = engine.run("edges", "manual", RunListener.NONE);
            assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);

            Table back = readBack(engine, "dst", new StreamId(null, table));
            assertThat(withoutKey(back.schema())).extracting(col -> col.name() + " " + col.nativeType())
                    .containsExactlyElementsOf(columns.stream().map(o -> o.name() + " " + o.postgres()).toList());
            assertThat(differences(back.rows(), rows, columns.stream().map(Col::name).toList(),
                    (row, i) -> columns.get(i).cell(row).value())).isEmpty();
        }
    }

    /** What reaches Postgres (its column type and the value's text there), or the run's error and words of its message. */
    private record Outcome(String postgresType, String postgresText, ErrorCode error, List<String> message) {
        static Outcome arrives(String postgresType, String postgresText) { return new Outcome(postgresType, postgresText, null, List.of()); }

        static Outcome fails(ErrorCode error, String... message) { return new Outcome(null, null, error, List.of(message)); }
    }

    /** DuckDB and SQLite values at the edge of what Postgres holds, each in a table of its own. */
    enum Edge {
        DUCKDB_HUGEINT_OF_39_DIGITS(Database.DUCKDB, "HUGEINT", "170141183460469231731687303715884105727",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "column \"v\": value 170141183460469231731687303715884105727 has more digits than its type decimal(38,0) holds")),
        DUCKDB_NUL_IN_TEXT(Database.DUCKDB, "VARCHAR", "'a' || chr(0) || 'b'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "invalid byte sequence for encoding \"UTF8\": 0x00", "column v")),
        DUCKDB_NUL_IN_JSON(Database.DUCKDB, "JSON", "'{\"a\": \"\\u0000\"}'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "\\u0000 cannot be converted to text", "column v")),
        DUCKDB_DATE_INFINITY(Database.DUCKDB, "DATE", "'infinity'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "date out of range", "column v")),
        DUCKDB_DATE_MINUS_INFINITY(Database.DUCKDB, "DATE", "'-infinity'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "column \"v\": date -5877641-06-24 is outside Postgres' range")),
        DUCKDB_TIMESTAMP_MINUS_INFINITY(Database.DUCKDB, "TIMESTAMP", "'-infinity'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "column \"v\": timestamp is outside Postgres' range")),
        /** A known gap: DuckDB's driver cannot fetch a TIME of 24:00:00 at all. */
        DUCKDB_TIME_24_00(Database.DUCKDB, "TIME", "'24:00:00'", Outcome.fails(ErrorCode.INTERNAL, "DateTimeException")),
        /** A known gap: DuckDB's infinity is read as the latest timestamp it stands for, which Postgres holds as a finite one. */
        DUCKDB_TIMESTAMP_INFINITY(Database.DUCKDB, "TIMESTAMP", "'infinity'",
                Outcome.arrives("timestamp without time zone", "294247-01-10 04:00:54.775807")),
        DUCKDB_TIMESTAMPTZ_INFINITY(Database.DUCKDB, "TIMESTAMPTZ", "'infinity'",
                Outcome.arrives("timestamp with time zone", "294247-01-10 04:00:54.775807+00")),
        /** SQLite does not enforce declared lengths; Postgres does. */
        SQLITE_TEXT_LONGER_THAN_DECLARED(Database.SQLITE, "VARCHAR(4)", "'longer'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "value too long for type character varying(4)", "column v")),
        /** Nor declared scales: Postgres would round to its column's scale, so the value is refused, never rounded. */
        SQLITE_DECIMAL_BEYOND_ITS_SCALE(Database.SQLITE, "DECIMAL_TEXT(5,2)", "'1.235'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "column \"v\": value 1.235 has more digits than its type decimal(5,2) holds")),
        SQLITE_INVALID_JSON(Database.SQLITE, "JSON", "'not json'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "invalid input syntax for type json", "column v")),
        SQLITE_TIME_24_00(Database.SQLITE, "TIME", "'24:00:00'",
                Outcome.fails(ErrorCode.SOURCE_DATA_INVALID, "column v", "\"24:00:00\" is not a valid time"));

        final Database source;
        final String ddl;
        final String sql;
        final Outcome outcome;

        Edge(Database source, String ddl, String sql, Outcome outcome) {
            this.source = source;
            this.ddl = ddl;
            this.sql = sql;
            this.outcome = outcome;
        }

        /** Not the constant's name alone: SQLite reserves names starting with {@code sqlite_}. */
        String table() { return "edge_" + name().toLowerCase(Locale.ROOT); }
    }

    @ParameterizedTest
    @EnumSource(Edge.class)
    void valuesAtTheEdgeOfPostgresArriveOrFailTheRunAsTheMappingSays(Edge edge) throws Exception {
        try (Connection c = edge.source.connect(dir); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + edge.table() + " (id BIGINT PRIMARY KEY, v " + edge.ddl + ")");
            s.execute("INSERT INTO " + edge.table() + " VALUES (1, " + edge.sql + ")");
        }
        String target = pg.createDatabase("type_mapping_target");
        Outcome expected = edge.outcome;
        try (SyncEngine engine = engine(edge.source.connection(), postgres(target), edge.table())) {
            RunRecord run = engine.run("edges", "manual", RunListener.NONE);
            if (expected.error() != null) {
                assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                assertThat(run.errorCode()).isEqualTo(expected.error().code());
                assertThat(run.errorMessage()).contains(expected.message());
                return;
            }
            assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(rows(target, "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = '" + edge.table()
                + "'::regclass and attname = 'v'")).containsExactly(List.of(expected.postgresType()));
        assertThat(rows(target, "select v::text from " + edge.table())).containsExactly(List.of(expected.postgresText()));
    }

    // --- harness ---------------------------------------------------------------------------------------------------

    /** A full refresh of the Postgres source's {@code table} into {@code target}. */
    private SyncEngine engine(Target target, String table) throws Exception {
        return engine(postgres(sourceDb), destination(target), table);
    }

    /** A workspace with the connections {@code src} and {@code dst} and the sync {@code edges}: a full refresh of {@code table}. */
    private SyncEngine engine(String source, String destination, String table) throws Exception {
        return engine("""
                connections:
                  src: %s
                  dst: %s
                models:
                  edges: { connection: src, table: %s, primary_key: [id] }
                syncs:
                  edges: { model: edges, destination: dst, table: %s, sync_type: full_refresh }
                """.formatted(source, destination, table, table));
    }

    private SyncEngine engine(String yaml) throws Exception {
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, yaml);
        ConnectorRegistry registry = ConnectorRegistry.load();
        return SyncEngine.builder().workspace(new WorkspaceLoader(registry, Map.<String, String>of()::get).load(file))
                .stateStore(StateStore.defaultSqlite(dir, Clock.systemUTC())).registry(registry).build();
    }

    private String destination(Target target) throws Exception {
        return switch (target) {
            case POSTGRES -> postgres(pg.createDatabase("type_mapping_target"));
            case DUCKDB -> "{ type: duckdb, path: target.duckdb }";
            case SQLITE -> "{ type: sqlite, path: target.sqlite }";
            case CSV, JSONL -> {
                Files.createDirectories(dir.resolve("files"));
                yield "{ type: files, path: files, format: " + target.name().toLowerCase(Locale.ROOT) + " }";
            }
        };
    }

    /** The connection line of a database of the embedded Postgres server. */
    private static String postgres(String database) {
        return "{ type: postgres, url: \"" + pg.jdbcUrl(database) + "\", user: postgres }";
    }

    /** The rows of a query as text, in plain JDBC. */
    private static List<List<String>> rows(String database, String select) throws Exception {
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(select)) {
            List<List<String>> rows = new ArrayList<>();
            int width = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= width; i++) row.add(rs.getString(i));
                rows.add(row);
            }
            return rows;
        }
    }

    private record Table(StreamSchema schema, List<Object[]> rows) {}

    /** A table read through its connection's own connector, ordered by its first column. */
    private Table readBack(SyncEngine engine, String connection, StreamId table) {
        ConnectionConfig c = engine.workspace().connection(connection);
        try (Source source = ConnectorRegistry.load().get(c.type()).openSource(c.config(), new ConnectorContext(Clock.systemUTC(), dir))) {
            ModelSpec spec = ModelSpec.table(table.name(), table, List.of());
            StreamSchema schema = source.describe(spec);
            List<Object[]> rows = new ArrayList<>();
            try (StreamReader r = source.read(new ReadRequest(spec, schema, SyncType.FULL_REFRESH, Optional.empty(), 3))) {
                for (RowBatch b = r.next(); b != null; b = r.next()) rows.addAll(b.rows());
            }
            rows.sort(Comparator.comparingLong(row -> ((Number) row[0]).longValue()));
            return new Table(schema, rows);
        }
    }

    /** The columns after the key {@code id}. */
    private static List<Column> withoutKey(StreamSchema schema) { return schema.columns().subList(1, schema.columns().size()); }

    /** {@code name type (native type)} of every column but the key. */
    private static List<String> columnsOf(StreamSchema schema) {
        return withoutKey(schema).stream().map(c -> c.name() + " " + c.type() + " (" + c.nativeType() + ")").toList();
    }

    private static List<String> names(List<PgCol> columns) { return columns.stream().map(PgCol::name).toList(); }

    @FunctionalInterface
    private interface Expected {
        /** The value expected in {@code row} (by its id) and the {@code column}-th column after the key. */
        Object at(int row, int column);
    }

    /** Every value of {@code rows} (the key, then {@code columns}) that is not the expected one, described. */
    private static List<String> differences(List<Object[]> rows, int expectedRows, List<String> columns, Expected expected) {
        List<String> found = new ArrayList<>();
        if (rows.size() != expectedRows) found.add(rows.size() + " rows instead of " + expectedRows);
        for (Object[] row : rows) {
            int id = ((Number) row[0]).intValue();
            for (int i = 0; i < columns.size(); i++) {
                Object want = expected.at(id, i);
                if (!Objects.deepEquals(want, row[i + 1])) {
                    found.add("row " + id + ", " + columns.get(i) + ": expected " + shown(want) + " but got " + shown(row[i + 1]));
                }
            }
        }
        return found;
    }

    private static String shown(Object value) {
        if (value == null) return "null";
        String text = value instanceof byte[] b ? b.length + " bytes " + Arrays.hashCode(b) : value.toString();
        return (text.length() > 80 ? text.substring(0, 77) + "... (" + text.length() + " chars)" : text)
                + " (" + value.getClass().getSimpleName() + ")";
    }
}
