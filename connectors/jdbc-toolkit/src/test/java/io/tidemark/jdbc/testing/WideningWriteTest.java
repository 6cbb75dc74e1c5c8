package io.tidemark.jdbc.testing;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Schema evolution at the destination: a column whose type widens to the incoming one is changed in place, inside the
 * writer's transaction, for every mode that writes into an existing table; one that does not widen is refused.
 */
public abstract class WideningWriteTest extends FileDatabaseTest {
    protected static final StreamId MEASURES = new StreamId(null, "measures");
    protected static final StreamSchema NARROW = measures(DataType.INT32, DataType.string(10), DataType.decimal(10, 2),
            DataType.TIMESTAMP, DataType.FLOAT32);
    protected static final StreamSchema WIDE = measures(DataType.INT64, DataType.STRING, DataType.decimal(20, 4),
            DataType.TIMESTAMPTZ, DataType.FLOAT64);
    protected static final Object[] OLD_ROW = {7, "short", new BigDecimal("12.50"), LocalDateTime.parse("2026-01-01T10:00:00"), 1.5f};
    /** Values none of the narrow types can hold. */
    protected static final Object[] WIDE_ROW = {5_000_000_000L, "a name much longer than ten characters",
            new BigDecimal("1234567890123456.1234"), OffsetDateTime.parse("2026-02-01T10:00:00.123456+02:00"), 1.0e300};

    protected Source source;
    protected Destination destination;

    /**
     * Makes the database's new sessions run in a time zone far from UTC, where it has such a setting, so that a timestamp
     * widened by reading it in the session's zone rather than in UTC shows.
     */
    protected void runSessionsFarFromUtc() throws SQLException {}

    @BeforeEach
    void open() {
        source = factory().openSource(config(), context());
        destination = factory().openDestination(config(), context());
    }

    @AfterEach
    void close() {
        source.close();
        destination.close();
    }

    protected static StreamSchema measures(DataType id, DataType name, DataType amount, DataType at, DataType ratio) {
        return new StreamSchema(MEASURES, List.of(new Column("id", id, false, null), Column.of("name", name), Column.of("amount", amount),
                Column.of("at", at), Column.of("ratio", ratio)), List.of("id"), null);
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"UPSERT", "APPEND", "CHANGES"})
    void columnsWhoseTypesWidenAreChangedInPlaceAndKeepTheirRows(WriteMode mode) throws Exception {
        write(NARROW, mode, 1, OLD_ROW);
        runSessionsFarFromUtc();

        write(WIDE, mode, 2, WIDE_ROW);

        StreamSchema described = destination.describeTarget(MEASURES).orElseThrow();
        assertThat(described.columns().subList(0, 5)).extracting(Column::type)
                .containsExactly(DataType.INT64, DataType.STRING, DataType.decimal(20, 4), DataType.TIMESTAMPTZ, DataType.FLOAT64);
        assertThat(measured(described)).containsExactly(
                List.of(7L, "short", new BigDecimal("12.5000"), Instant.parse("2026-01-01T10:00:00Z"), 1.5),
                List.of(5_000_000_000L, "a name much longer than ten characters", new BigDecimal("1234567890123456.1234"),
                        Instant.parse("2026-02-01T08:00:00.123456Z"), 1.0e300));
        assertThat(destination.committedState("measures_sync")).get().extracting(CommittedState::runId).isEqualTo(2L);
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"UPSERT", "APPEND", "CHANGES"})
    void aWriterClosedWithoutCommitLeavesTheOldTypes(WriteMode mode) {
        write(NARROW, mode, 1, OLD_ROW);
        StreamSchema before = destination.describeTarget(MEASURES).orElseThrow();

        try (StreamWriter w = open(WIDE, mode, 2)) {
            Writes.send(w, mode, new RowBatch(WIDE, List.<Object[]>of(WIDE_ROW)));
        }

        StreamSchema after = destination.describeTarget(MEASURES).orElseThrow();
        assertThat(after.columns()).isEqualTo(before.columns());
        assertThat(measured(after)).extracting(List::getFirst).containsExactly(7);
    }

    @Test
    void changesMatchTheirRecordsByAWidenedKey() {
        write(NARROW, WriteMode.CHANGES, 1, OLD_ROW);

        try (StreamWriter w = open(WIDE, WriteMode.CHANGES, 2)) {
            assertThat(w.apply(new ChangeBatch(ChangeOp.UPDATE, new RowBatch(WIDE, List.<Object[]>of(
                    new Object[]{7L, "renamed to something long", new BigDecimal("0.0001"), null, 2.5})))).written()).isEqualTo(1);
            assertThat(w.apply(new ChangeBatch(ChangeOp.INSERT, new RowBatch(WIDE, List.<Object[]>of(WIDE_ROW)))).written()).isEqualTo(1);
            w.commit(state(WIDE, 2));
        }

        assertThat(measured(destination.describeTarget(MEASURES).orElseThrow())).extracting(row -> row.subList(0, 3)).containsExactly(
                List.of(7L, "renamed to something long", new BigDecimal("0.0001")),
                List.of(5_000_000_000L, "a name much longer than ten characters", new BigDecimal("1234567890123456.1234")));
    }

    @Test
    void aDecimalKeyWidenedToAGreaterScaleStillMatchesItsRecords() {
        StreamSchema codes = new StreamSchema(new StreamId(null, "codes"), List.of(new Column("code", DataType.decimal(6, 2), false, null),
                Column.of("label", DataType.STRING)), List.of("code"), null);
        StreamSchema finer = new StreamSchema(codes.id(), List.of(new Column("code", DataType.decimal(12, 4), false, null),
                Column.of("label", DataType.STRING)), List.of("code"), null);
        write(codes, WriteMode.UPSERT, 1, new Object[]{new BigDecimal("12.50"), "old"});

        write(finer, WriteMode.UPSERT, 2, new Object[]{new BigDecimal("12.5"), "new"});

        assertThat(readAll(source, destination.describeTarget(codes.id()).orElseThrow())).extracting(Arrays::asList)
                .containsExactly(List.of(new BigDecimal("12.5000"), "new"));
    }

    @Test
    void aViewOverTheTableKeepsWorkingAfterItsColumnsWiden() throws Exception {
        write(NARROW, WriteMode.UPSERT, 1, OLD_ROW);
        execute("CREATE VIEW measure_names AS SELECT id, name FROM measures");

        write(WIDE, WriteMode.UPSERT, 2, WIDE_ROW);

        assertThat(query("SELECT name FROM measure_names ORDER BY id")).containsExactly(List.of("short"),
                List.of("a name much longer than ten characters"));
    }

    @Test
    void aTextColumnTakingNumbersIsRefusedNamingTheColumn() {
        write(NARROW, WriteMode.UPSERT, 1, OLD_ROW);
        StreamSchema numberedNames = measures(DataType.INT32, DataType.INT64, DataType.decimal(10, 2), DataType.TIMESTAMP, DataType.FLOAT32);

        assertRefused(() -> open(numberedNames, WriteMode.UPSERT, 2), "column name of main.measures is ", "but the sync writes int64");
        assertThat(destination.describeTarget(MEASURES).orElseThrow().columns()).extracting(Column::type).contains(DataType.INT32);
    }

    @Test
    void anInt64ColumnIsNotChangedToFloat64WhichWouldRoundItsValues() {
        StreamSchema counts = measures(DataType.INT32, DataType.STRING, DataType.decimal(10, 2), DataType.TIMESTAMP, DataType.INT64);
        write(counts, WriteMode.UPSERT, 1, new Object[]{1, null, null, null, 9_007_199_254_740_993L});

        assertRefused(() -> open(WIDE, WriteMode.UPSERT, 2), "column ratio of main.measures is ", "but the sync writes float64");
    }

    /** The rows of {@link #MEASURES} read through the source: its five columns, instants for timestamps with time zone. */
    protected final List<List<Object>> measured(StreamSchema described) {
        return readAll(source, described).stream().map(row -> Arrays.stream(row, 0, 5)
                .map(v -> v instanceof OffsetDateTime t ? t.toInstant() : v).toList()).toList();
    }

    protected final void write(StreamSchema schema, WriteMode mode, long runId, Object[] row) {
        try (StreamWriter w = open(schema, mode, runId)) {
            assertThat(Writes.send(w, mode, new RowBatch(schema, List.<Object[]>of(row))).rejected()).isEmpty();
            w.commit(state(schema, runId));
        }
    }

    protected final StreamWriter open(StreamSchema schema, WriteMode mode, long runId) {
        return destination.open(new WriteRequest(syncKey(schema), schema.id(), schema, mode, runId, NOW,
                mode == WriteMode.APPEND ? List.of("id") : List.of()));
    }

    private static String syncKey(StreamSchema schema) { return schema.id().name() + "_sync"; }

    private static CommittedState state(StreamSchema schema, long runId) {
        return new CommittedState(syncKey(schema), runId, "run " + runId, NOW);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String... parts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
            assertThat(e.getMessage()).contains(parts);
        });
    }
}
