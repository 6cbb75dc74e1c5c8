package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.RawStream;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresTypesTest {
    /** Every common type, with edge values: NULLs, empty and padded strings, unicode, ±infinity, a 300 kB bytea. */
    private static final String[] EVERYTHING = {
            "create type mood as enum ('sad', 'happy')",
            "create table everything (id bigint primary key, b boolean, i2 smallint, i4 integer, i8 bigint, f4 real,"
                    + " f8 double precision, n numeric(20,6), n_free numeric, t text, vc varchar(10), bc char(4), d date, tm time,"
                    + " ts timestamp, ts3 timestamp(3), tstz timestamptz, bin bytea, u uuid, j json, jb jsonb,"
                    + " ints integer[], texts text[], iv interval, ip inet, m mood)",
            "insert into everything values"
                    + " (1, true, 32767, -2147483648, 9223372036854775807, 1.5, -2.25e-300, 12345678901234.123456,"
                    + " 0.000000000000000000001, 'plain', 'ten chars!', 'ab', '2026-03-01', '23:59:59.999999',"
                    + " '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.123', '2026-03-01 12:00:00+05:30', '\\x00ff10',"
                    + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"b\": 1,   \"a\": [1, 2]}', '{\"é\": \"☃\", \"n\": null}',"
                    + " '{1,2,NULL}', '{\"a b\",\"c,d\",\"\"}', '1 year 2 mons 3 days 04:05:06.789', '192.168.0.1/24', 'happy'),"
                    + " (2, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,"
                    + " null, null, null, null, null, null, null, null),"
                    + " (3, false, -32768, 0, -1, 'NaN', '-Infinity', -0.000001, '-123456789012345678901234567890.123456789', '',"
                    + " 'émile ☃𝄞', '    ', 'infinity', '00:00', '-infinity', 'infinity', '1999-12-31 23:59:59.999999-08',"
                    + " decode(repeat('ab', 300000), 'hex'), '00000000-0000-0000-0000-000000000000', '[]', '{}', '{}', '{}',"
                    + " '-1 days', '::1', 'sad')"};
    private static final String ALL_AS_TEXT = "select id::text, b::text, i2::text, i4::text, i8::text, f4::text, f8::text, n::text,"
            + " n_free::text, t, vc, bc::text, d::text, tm::text, ts::text, ts3::text, tstz::text, md5(bin), u::text, j::text,"
            + " jb::text, ints::text, texts::text, iv::text, ip::text, m::text from %s order by id";

    private TestDatabase source;
    private TestDatabase target;

    @BeforeEach
    void databases(PostgresServer server) {
        source = TestDatabase.create(server, "types_source");
        target = TestDatabase.create(server, "types_target");
        source.execute(EVERYTHING);
    }

    @AfterEach
    void close() {
        source.close();
        target.close();
    }

    @Test
    void describeMapsEveryCommonTypeAndKeepsTheNativeType() {
        StreamSchema schema = source.source.describe(model("everything"));

        assertThat(schema.nativeDialect()).isEqualTo("postgres");
        assertThat(schema.primaryKey()).containsExactly("id");
        assertThat(type(schema, "n")).isEqualTo(DataType.decimal(20, 6));
        assertThat(type(schema, "n_free")).isEqualTo(DataType.DECIMAL);
        assertThat(type(schema, "vc")).isEqualTo(DataType.string(10));
        assertThat(type(schema, "bc")).isEqualTo(DataType.string(4));
        assertThat(type(schema, "tstz")).isEqualTo(DataType.TIMESTAMPTZ);
        assertThat(type(schema, "jb")).isEqualTo(DataType.JSON);
        assertThat(type(schema, "u")).isEqualTo(DataType.UUID_TYPE);
        assertThat(schema.column("ints").orElseThrow()).extracting(Column::type, Column::nativeType).containsExactly(DataType.STRING, "integer[]");
        assertThat(schema.column("iv").orElseThrow()).extracting(Column::type, Column::nativeType).containsExactly(DataType.STRING, "interval");
        assertThat(schema.column("m").orElseThrow()).extracting(Column::type, Column::nativeType).containsExactly(DataType.STRING, "text");
        assertThat(schema.column("ts3").orElseThrow().nativeType()).isEqualTo("timestamp(3) without time zone");
        assertThat(schema.column("id").orElseThrow().nullable()).isFalse();
    }

    @Test
    void decodedValuesHaveTheJavaTypeOfTheirKind() {
        List<Object[]> rows = readAll(source, "everything");
        StreamSchema schema = source.source.describe(model("everything"));
        Object[] first = rows.getFirst();

        assertThat(first[schema.indexOf("tstz")]).isEqualTo(OffsetDateTime.parse("2026-03-01T06:30:00Z"));
        assertThat(first[schema.indexOf("n")]).isEqualTo(new BigDecimal("12345678901234.123456"));
        assertThat(first[schema.indexOf("n_free")]).isEqualTo(new BigDecimal("0.000000000000000000001"));
        assertThat(first[schema.indexOf("ts")]).isEqualTo(LocalDateTime.parse("2026-01-02T03:04:05.123456"));
        assertThat(first[schema.indexOf("tm")]).isEqualTo(LocalTime.parse("23:59:59.999999"));
        assertThat(first[schema.indexOf("bin")]).isEqualTo(new byte[]{0, -1, 16});
        assertThat(first[schema.indexOf("u")]).isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThat(first[schema.indexOf("j")]).isEqualTo("{\"b\": 1,   \"a\": [1, 2]}");
        assertThat(first[schema.indexOf("ints")]).isEqualTo("{1,2,NULL}");
        assertThat(first[schema.indexOf("m")]).isEqualTo("happy");
        assertThat(first[schema.indexOf("i8")]).isEqualTo(Long.MAX_VALUE);
        assertThat(first[schema.indexOf("i2")]).isEqualTo((short) 32767);
        assertThat(rows.get(1)[0]).isEqualTo(2L);
        assertThat(Arrays.copyOfRange(rows.get(1), 1, 26)).containsOnlyNulls();
        Object[] third = rows.get(2);
        assertThat(third[schema.indexOf("d")]).isEqualTo(LocalDate.MAX);
        assertThat(third[schema.indexOf("ts")]).isEqualTo(LocalDateTime.MIN);
        assertThat(third[schema.indexOf("tstz")]).isEqualTo(OffsetDateTime.parse("2000-01-01T07:59:59.999999Z"));
        assertThat(third[schema.indexOf("t")]).isEqualTo("");
        assertThat(third[schema.indexOf("vc")]).isEqualTo("émile ☃𝄞");
        assertThat((byte[]) third[schema.indexOf("bin")]).hasSize(300_000);
        assertThat(third[schema.indexOf("n_free")]).isEqualTo(new BigDecimal("-123456789012345678901234567890.123456789"));
    }

    @Test
    void everyTypeRoundTripsExactlyThroughDecodedBatches() {
        StreamSchema schema = source.source.describe(model("everything"));
        StreamSchema copy = renamed(schema, "copy");
        try (StreamReader reader = source.source.read(fullRead(schema, 2));
             StreamWriter writer = target.destination.open(replace(copy))) {
            for (RowBatch b = reader.next(); b != null; b = reader.next()) writer.write(new RowBatch(copy, b.rows()));
            writer.commit(state());
        }

        assertThat(target.rows(ALL_AS_TEXT.formatted("copy"))).isEqualTo(source.rows(ALL_AS_TEXT.formatted("everything")));
        assertThat(target.columnTypes("copy")).isEqualTo(expectedTargetTypes());
    }

    @Test
    void everyTypeRoundTripsExactlyThroughRawPassthrough() {
        StreamSchema schema = source.source.describe(model("everything"));
        StreamSchema copy = renamed(schema, "copy");
        long written;
        try (StreamReader reader = source.source.read(fullRead(schema, 1000));
             StreamWriter writer = target.destination.open(replace(copy))) {
            assertThat(writer.rawFormats()).containsExactly(RawStream.POSTGRES_BINARY_COPY);
            written = writer.writeRaw(reader.openRaw(writer.rawFormats()).orElseThrow());
            writer.commit(state());
        }

        assertThat(written).isEqualTo(3);
        assertThat(target.rows(ALL_AS_TEXT.formatted("copy"))).isEqualTo(source.rows(ALL_AS_TEXT.formatted("everything")));
        assertThat(target.columnTypes("copy")).isEqualTo(expectedTargetTypes());
    }

    @ParameterizedTest(name = "raw = {0}")
    @ValueSource(booleans = {true, false})
    void aReplacedHistoryTableGetsTheRunInItsHistoryColumnsAndKeepsNoDefaults(boolean raw) {
        StreamSchema schema = source.source.describe(model("everything"));
        StreamSchema copy = renamed(schema, "copy");
        Instant runStartedAt = Instant.parse("2026-03-01T12:00:00.123456Z");
        try (StreamReader reader = source.source.read(fullRead(schema, 2));
             StreamWriter writer = target.destination.open(new WriteRequest("sync_copy", copy.id(), copy, WriteMode.REPLACE, 42,
                     runStartedAt, List.of(), true))) {
            if (raw) {
                writer.writeRaw(reader.openRaw(writer.rawFormats()).orElseThrow());
            } else {
                for (RowBatch b = reader.next(); b != null; b = reader.next()) writer.write(new RowBatch(copy, b.rows()));
            }
            writer.commit(state());
            assertThat(writer.skippedRows()).isZero();
        }

        assertThat(target.rows(ALL_AS_TEXT.formatted("copy"))).isEqualTo(source.rows(ALL_AS_TEXT.formatted("everything")));
        List<String> types = new ArrayList<>(expectedTargetTypes());
        types.addAll(List.of("_tidemark_synced_at: timestamp with time zone", "_tidemark_run_id: bigint"));
        assertThat(target.columnTypes("copy")).isEqualTo(types);
        assertThat(target.rows("select _tidemark_run_id, _tidemark_synced_at = '2026-03-01T12:00:00.123456Z' from copy"))
                .containsOnly(List.of("42", "t")).hasSize(3);
        assertThat(target.value("select count(*) from information_schema.columns where table_name = 'copy' and column_default is not null"))
                .as("the run's values must not become defaults for later rows").isEqualTo("0");
    }

    @Test
    void passthroughMovesEveryRowAndBothEndsReportTheCount() {
        source.execute("create table big as select g as id, md5(g::text) as label, now() - g * interval '1 minute' as at"
                + " from generate_series(1, 50000) g");
        StreamSchema schema = source.source.describe(ModelSpec.table("big", new StreamId(null, "big"), List.of("id")));
        AtomicLong sent = new AtomicLong();
        long written;
        try (StreamReader reader = source.source.read(fullRead(schema, 1000));
             StreamWriter writer = target.destination.open(replace(schema))) {
            RawStream raw = reader.openRaw(Set.of(RawStream.POSTGRES_BINARY_COPY)).orElseThrow();
            written = writer.writeRaw(new RawStream() {
                @Override public String format() { return raw.format(); }

                @Override public long transferTo(RawSink sink) {
                    sent.set(raw.transferTo(sink));
                    return sent.get();
                }
            });
            writer.commit(state());
        }

        assertThat(sent).hasValue(50_000);
        assertThat(written).isEqualTo(50_000);
        assertThat(target.value("select count(*) from big")).isEqualTo("50000");
        assertThat(target.rows("select md5(string_agg(label, ',' order by id)) from big"))
                .isEqualTo(source.rows("select md5(string_agg(label, ',' order by id)) from big"));
        assertThat(target.value("select conname from pg_constraint where conrelid = 'big'::regclass and contype = 'p'")).isEqualTo("big_pkey");
    }

    @Test
    void rawPassthroughIsOfferedOnlyForAcceptedFormatsAndNativeSchemas() {
        StreamSchema schema = source.source.describe(model("everything"));
        try (StreamReader reader = source.source.read(fullRead(schema, 10))) {
            assertThat(reader.openRaw(Set.of("arrow"))).isEmpty();
        }
        StreamSchema foreign = new StreamSchema(new StreamId(null, "x"), List.of(Column.of("a", DataType.INT32)), List.of(), "sqlite");
        try (StreamWriter writer = target.destination.open(replace(foreign))) {
            assertThat(writer.rawFormats()).isEmpty();
        }
    }

    @Test
    void decimalsKeepTheirValueAndScaleThroughTheBinaryCodec() {
        List<String> values = List.of("0", "0.00", "-1", "1.5", "10000", "9999.9999", "0.0001", "-0.000001", "1E+10", "1E-20",
                "4503599627370495", "4503599627370496", "-99999999999999999999.99999", "0.1234567",
                "123456789012345678901234567890.123456789", "100000000000000000000000000000000");
        StreamSchema schema = new StreamSchema(new StreamId(null, "decimals"),
                List.of(new Column("id", DataType.INT32, false, null), Column.of("v", DataType.DECIMAL)), List.of("id"), null);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) rows.add(new Object[]{i, new BigDecimal(values.get(i))});
        try (StreamWriter writer = target.destination.open(replace(schema))) {
            writer.write(new RowBatch(schema, rows));
            writer.commit(state());
        }

        List<String> stored = target.rows("select v::text from decimals order by id").stream().map(List::getFirst).toList();
        assertThat(stored).isEqualTo(values.stream().map(v -> nonNegativeScale(new BigDecimal(v)).toPlainString()).toList());
        List<Object> readBack = readAll(target, "decimals").stream().map(r -> r[1]).toList();
        assertThat(readBack).isEqualTo(values.stream().map(v -> (Object) nonNegativeScale(new BigDecimal(v))).toList());
    }

    @Test
    void numericNaNIsRejectedAsInvalidSourceDataNamingTheColumn() {
        source.execute("create table measures (id int primary key, reading numeric)", "insert into measures values (1, 2.5), (2, 'NaN')");

        assertThatThrownBy(() -> readAll(source, "measures"))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("reading public.measures").hasMessageContaining("\"reading\"").hasMessageContaining("NaN")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.SOURCE_DATA_INVALID);
    }

    @Test
    void aDateOrTimestampBeyondPostgresRangeIsInvalidSourceDataNamingTheColumn() {
        StreamSchema schema = new StreamSchema(new StreamId(null, "far"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("d", DataType.DATE), Column.of("ts", DataType.TIMESTAMP)), List.of("id"), null);
        List<Object[]> rows = List.of(new Object[]{1L, LocalDate.of(-6_000_000, 1, 1), null}, new Object[]{2L, null, LocalDateTime.of(300_000, 1, 1, 0, 0)});
        for (Object[] row : rows) {
            try (StreamWriter writer = target.destination.open(replace(schema))) {
                String column = row[1] != null ? "\"d\"" : "\"ts\"";
                assertThatThrownBy(() -> writer.write(new RowBatch(schema, List.<Object[]>of(row))))
                        .isInstanceOf(TidemarkException.class)
                        .hasMessageContaining("writing public.far: column " + column).hasMessageContaining("outside Postgres' range")
                        .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.SOURCE_DATA_INVALID);
            }
        }
    }

    @Test
    void decoderHandlesRowsSplitAcrossArbitraryChunks() throws Exception {
        StreamSchema schema = source.source.describe(model("everything"));
        String select = "COPY (select " + String.join(", ", schema.columns().stream()
                .map(c -> Sql.ident(c.name()) + "::" + PgWireType.forKind(c.type().kind()).sqlName()).toList())
                + " from everything order by id) TO STDOUT (FORMAT binary)";
        byte[] stream;
        try (Connection c = source.server.connect(source.name)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut(select, out);
            stream = out.toByteArray();
        }
        PgWireType[] types = schema.columns().stream().map(c -> PgWireType.forKind(c.type().kind())).toArray(PgWireType[]::new);
        BinaryCopyReader reader = new BinaryCopyReader(new ChunkedCopyOut(stream), types, schema.columnNames());
        List<Object[]> rows = new ArrayList<>();
        for (Object[] row = reader.next(); row != null; row = reader.next()) rows.add(row);

        assertThat(rows).hasSize(3);
        assertThat(rows.stream().map(Arrays::deepToString)).containsExactlyElementsOf(readAll(source, "everything").stream().map(Arrays::deepToString).toList());
    }

    /** The bytes of a real COPY, handed out in chunks of 1 to 7 bytes, so that every field straddles chunks. */
    private static final class ChunkedCopyOut implements CopyOut {
        private final byte[] data;
        private int pos;
        private int step;

        ChunkedCopyOut(byte[] data) { this.data = data; }

        @Override public byte[] readFromCopy() {
            if (pos == data.length) return null;
            int n = Math.min(1 + step++ % 7, data.length - pos);
            byte[] chunk = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return chunk;
        }

        @Override public byte[] readFromCopy(boolean block) { return readFromCopy(); }
        @Override public int getFieldCount() { return 0; }
        @Override public int getFormat() { return 1; }
        @Override public int getFieldFormat(int field) { return 1; }
        @Override public boolean isActive() { return pos < data.length; }
        @Override public void cancelCopy() { pos = data.length; }
        @Override public long getHandledRowCount() { return 0; }
    }

    private List<String> expectedTargetTypes() {
        return source.columnTypes("everything").stream().map(t -> t.equals("m: mood") ? "m: text" : t).toList();
    }

    private static BigDecimal nonNegativeScale(BigDecimal v) { return v.scale() < 0 ? v.setScale(0) : v; }

    private static DataType type(StreamSchema schema, String column) { return schema.column(column).orElseThrow().type(); }

    private static ModelSpec model(String table) { return ModelSpec.table(table, new StreamId(null, table), List.of()); }

    private static ReadRequest fullRead(StreamSchema schema, int batchSize) {
        ModelSpec model = ModelSpec.table(schema.id().name(), schema.id(), schema.primaryKey());
        return new ReadRequest(model, schema, SyncType.FULL_REFRESH, Optional.empty(), batchSize);
    }

    private static List<Object[]> readAll(TestDatabase db, String table) {
        StreamSchema schema = db.source.describe(model(table));
        List<Object[]> rows = new ArrayList<>();
        try (StreamReader reader = db.source.read(fullRead(schema, 2))) {
            for (RowBatch b = reader.next(); b != null; b = reader.next()) rows.addAll(b.rows());
        }
        rows.sort((a, b) -> Long.compare(((Number) a[0]).longValue(), ((Number) b[0]).longValue()));
        return rows;
    }

    private static StreamSchema renamed(StreamSchema schema, String table) {
        return new StreamSchema(new StreamId(null, table), schema.columns(), schema.primaryKey(), schema.nativeDialect());
    }

    private static WriteRequest replace(StreamSchema schema) {
        return new WriteRequest("sync_" + schema.id().name(), schema.id(), schema, WriteMode.REPLACE, 1, Instant.EPOCH, List.of());
    }

    private static CommittedState state() { return new CommittedState("sync", 1, "{}", Instant.EPOCH); }
}
