package io.tidemark.connector.postgres;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
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
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Schema evolution at a Postgres destination: a column whose type widens to the incoming one is changed in place,
 * inside the writer's transaction, for every mode that merges into an existing table.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresWideningTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final StreamId MEASURES = new StreamId(null, "measures");
    private static final StreamSchema NARROW = schema(DataType.INT32, DataType.string(10), DataType.decimal(10, 2),
            DataType.TIMESTAMP, DataType.FLOAT32);
    private static final StreamSchema WIDE = schema(DataType.INT64, DataType.STRING, DataType.decimal(20, 4),
            DataType.TIMESTAMPTZ, DataType.FLOAT64);
    private static final Object[] OLD_ROW = {7, "short", new BigDecimal("12.50"), LocalDateTime.parse("2026-01-01T10:00:00"), 1.5f};
    /** Values none of the narrow types can hold. */
    private static final Object[] WIDE_ROW = {5_000_000_000L, "a name much longer than ten characters", new BigDecimal("1234567890123456.1234"),
            OffsetDateTime.parse("2026-02-01T10:00:00.123456+02:00"), 1.0e300};
    private static final String COLUMNS = "id::text, name, amount::text, (at at time zone 'UTC')::text, ratio::text";

    private TestDatabase db;

    /**
     * Every session of the database runs in a time zone far from UTC, which a widened timestamp must not depend on. A
     * login trigger sets it: the driver sends the JVM's zone when it connects, which overrides database and role settings.
     */
    @BeforeEach
    void database(PostgresServer server) {
        db = TestDatabase.create(server, "widening");
        db.execute("create function far_from_utc() returns event_trigger language plpgsql as"
                        + " $$ begin perform set_config('TimeZone', 'America/New_York', false); end $$",
                "create event trigger far_from_utc on login execute function far_from_utc()");
        assertThat(db.value("show timezone")).isEqualTo("America/New_York");
    }

    @AfterEach
    void close() { db.close(); }

    private static StreamSchema schema(DataType id, DataType name, DataType amount, DataType at, DataType ratio) {
        return new StreamSchema(MEASURES, List.of(new Column("id", id, false, null), Column.of("name", name), Column.of("amount", amount),
                Column.of("at", at), Column.of("ratio", ratio)), List.of("id"), null);
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"UPSERT", "APPEND", "CHANGES"})
    void columnsWhoseTypesWidenAreChangedInPlaceAndKeepTheirRows(WriteMode mode) {
        write(NARROW, mode, 1, OLD_ROW);
        assertThat(db.columnTypes("measures")).startsWith("id: integer", "name: character varying(10)", "amount: numeric(10,2)",
                "at: timestamp without time zone", "ratio: real");

        write(WIDE, mode, 2, WIDE_ROW);

        assertThat(db.columnTypes("measures")).startsWith("id: bigint", "name: text", "amount: numeric(20,4)",
                "at: timestamp with time zone", "ratio: double precision");
        assertThat(db.rows("select " + COLUMNS + " from measures order by measures.id")).containsExactly(
                List.of("7", "short", "12.5000", "2026-01-01 10:00:00", "1.5"),
                List.of("5000000000", "a name much longer than ten characters", "1234567890123456.1234", "2026-02-01 08:00:00.123456", "1e+300"));
        assertThat(db.destination.committedState("sync_measures")).get().extracting(CommittedState::runId).isEqualTo(2L);
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"UPSERT", "APPEND", "CHANGES"})
    void aWriterClosedWithoutCommitLeavesTheOldTypes(WriteMode mode) {
        write(NARROW, mode, 1, OLD_ROW);
        List<String> before = db.columnTypes("measures");

        try (StreamWriter w = open(WIDE, mode, 2)) {
            send(w, mode, WIDE, WIDE_ROW);
        }

        assertThat(db.columnTypes("measures")).isEqualTo(before);
        assertThat(db.rows("select id::text from measures")).containsExactly(List.of("7"));
    }

    @Test
    void widenedKeyAndTextColumnsKeepMatchingTheirRecordsByKey() {
        write(NARROW, WriteMode.CHANGES, 1, OLD_ROW);

        try (StreamWriter w = open(WIDE, WriteMode.CHANGES, 2)) {
            w.apply(new ChangeBatch(ChangeOp.UPDATE, new RowBatch(WIDE, List.<Object[]>of(
                    new Object[]{7L, "renamed to something long", new BigDecimal("0.0001"), null, 2.5}))));
            w.apply(new ChangeBatch(ChangeOp.INSERT, new RowBatch(WIDE, List.<Object[]>of(WIDE_ROW))));
            w.commit(state(2));
        }

        assertThat(db.rows("select id::text, name, amount::text from measures order by measures.id")).containsExactly(
                List.of("7", "renamed to something long", "0.0001"), List.of("5000000000", "a name much longer than ten characters", "1234567890123456.1234"));
    }

    @Test
    void aTextColumnTakingNumbersIsRefusedNamingTheColumnAndBothTypes() {
        write(NARROW, WriteMode.UPSERT, 1, OLD_ROW);
        StreamSchema numberedNames = schema(DataType.INT32, DataType.INT64, DataType.decimal(10, 2), DataType.TIMESTAMP, DataType.FLOAT32);

        assertThatThrownBy(() -> open(numberedNames, WriteMode.UPSERT, 2)).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
            assertThat(e.getMessage()).contains("column \"name\" of public.measures is character varying(10)", "int64 (bigint)",
                    "does not widen", "resync");
        });
        assertThat(db.columnTypes("measures")).startsWith("id: integer", "name: character varying(10)");
    }

    @Test
    void aBigintColumnIsNotChangedToDoublePrecisionWhichWouldRoundItsValues() {
        db.execute("create table measures (id bigint primary key, big bigint)", "insert into measures values (1, 9007199254740993)");
        StreamSchema doubles = new StreamSchema(MEASURES, List.of(new Column("id", DataType.INT64, false, null),
                Column.of("big", DataType.FLOAT64)), List.of("id"), null);

        assertThatThrownBy(() -> open(doubles, WriteMode.UPSERT, 1)).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
            assertThat(e.getMessage()).contains("column \"big\"", "bigint", "float64 (double precision)");
        });
    }

    @Test
    void aBlankPaddedCharacterColumnIsNotWidenedBecauseTheCastWouldDropItsPadding() {
        db.execute("create table measures (id bigint primary key, code character(4))", "insert into measures values (1, 'ab')");
        StreamSchema longer = new StreamSchema(MEASURES, List.of(new Column("id", DataType.INT64, false, null),
                Column.of("code", DataType.string(8))), List.of("id"), null);

        assertThatThrownBy(() -> open(longer, WriteMode.UPSERT, 1)).hasMessageContaining("column \"code\" of public.measures is character(4)")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
    }

    @Test
    void aColumnAViewReadsCannotBeWidenedAndTheRunSaysWhichViewToDrop() {
        write(NARROW, WriteMode.UPSERT, 1, OLD_ROW);
        db.execute("create view measure_ids as select id from measures");

        assertThatThrownBy(() -> write(WIDE, WriteMode.UPSERT, 2, WIDE_ROW)).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
            assertThat(e.getMessage()).contains("\"id\" from integer to bigint", "measure_ids", "drop the views");
        });
        assertThat(db.columnTypes("measures")).startsWith("id: integer");
        assertThat(db.destination.committedState("sync_measures")).get().extracting(CommittedState::runId).isEqualTo(1L);
    }

    @Test
    void aPostgresSourceColumnWidensToItsOwnNativeType() {
        db.execute("create table measures (id integer primary key, at timestamp(6))", "insert into measures values (1, '2026-01-01 10:00:00.5')");
        StreamSchema nativeTypes = new StreamSchema(MEASURES, List.of(new Column("id", DataType.INT64, false, "bigint"),
                new Column("at", DataType.TIMESTAMPTZ, true, "timestamp(3) with time zone")), List.of("id"), PgTypes.DIALECT);
        StreamSchema microseconds = new StreamSchema(MEASURES, List.of(new Column("id", DataType.INT64, false, "bigint"),
                new Column("at", DataType.TIMESTAMPTZ, true, "timestamp(6) with time zone")), List.of("id"), PgTypes.DIALECT);

        assertThatThrownBy(() -> open(nativeTypes, WriteMode.UPSERT, 1)).as("fewer digits of a second than the column keeps")
                .hasMessageContaining("column \"at\" of public.measures is timestamp(6) without time zone");
        write(microseconds, WriteMode.UPSERT, 1, new Object[]{2L, OffsetDateTime.parse("2026-01-02T00:00:00Z")});

        assertThat(db.columnTypes("measures")).containsExactly("id: bigint", "at: timestamp(6) with time zone");
        assertThat(db.rows("select id::text, (at at time zone 'UTC')::text from measures order by measures.id"))
                .containsExactly(List.of("1", "2026-01-01 10:00:00.5"), List.of("2", "2026-01-02 00:00:00"));
    }

    @Test
    void aTimestampColumnGainsTheFractionalDigitsOfASourceThatNowKeepsMoreRatherThanRoundThem() {
        db.execute("create table measures (id bigint primary key, at timestamp(3))", "insert into measures values (1, '2026-01-01 10:00:00.123')");
        StreamSchema micros = new StreamSchema(MEASURES, List.of(new Column("id", DataType.INT64, false, "bigint"),
                new Column("at", DataType.TIMESTAMP, true, "timestamp(6) without time zone")), List.of("id"), PgTypes.DIALECT);

        write(micros, WriteMode.UPSERT, 1, new Object[]{2L, java.time.LocalDateTime.parse("2026-01-02T00:00:00.123456")});

        assertThat(db.columnTypes("measures")).containsExactly("id: bigint", "at: timestamp(6) without time zone");
        assertThat(db.rows("select id::text, at::text from measures order by measures.id"))
                .containsExactly(List.of("1", "2026-01-01 10:00:00.123"), List.of("2", "2026-01-02 00:00:00.123456"));
    }

    private void write(StreamSchema schema, WriteMode mode, long runId, Object[] row) {
        try (StreamWriter w = open(schema, mode, runId)) {
            send(w, mode, schema, row);
            w.commit(state(runId));
        }
    }

    private static void send(StreamWriter w, WriteMode mode, StreamSchema schema, Object[] row) {
        RowBatch rows = new RowBatch(schema, List.<Object[]>of(row));
        if (mode == WriteMode.CHANGES) w.apply(new ChangeBatch(ChangeOp.UPSERT, rows));
        else w.write(rows);
    }

    private StreamWriter open(StreamSchema schema, WriteMode mode, long runId) {
        return db.destination.open(new WriteRequest("sync_measures", schema.id(), schema, mode, runId, NOW,
                mode == WriteMode.APPEND ? List.of("id") : List.of()));
    }

    private static CommittedState state(long runId) {
        return new CommittedState("sync_measures", runId, "{\"run\":" + runId + "}", NOW);
    }
}
