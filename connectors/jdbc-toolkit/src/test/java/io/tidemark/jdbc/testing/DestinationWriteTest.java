package io.tidemark.jdbc.testing;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RowBatch;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The destination's table handling and its load path, checked with SQL against the file it wrote. */
public abstract class DestinationWriteTest extends FileDatabaseTest {
    protected Destination destination;

    /** The destination under test; by default the factory's own. */
    protected Destination openDestination() { return factory().openDestination(config(), context()); }

    /** A decimal as this database's driver hands back a value Tidemark stored in a {@code decimal(10,2)} column. */
    protected abstract Object storedDecimal(String canonical);

    /** SQL that sums the {@code decimal(10,2)} column {@code score} exactly, to two places. */
    protected abstract String exactSumOfScores();

    /** SQL true for a row whose {@code _tidemark_synced_at} is {@link #NOW}. */
    protected abstract String syncedAtIsNow();

    /** A native DDL creating {@code people(id, name, score)} with the given native type for {@code score}. */
    protected abstract String createPeopleTable(String scoreType);

    /** The native integer type name that this database reports for an {@code INTEGER} column, and its Tidemark kind. */
    protected abstract String integerColumnDescription();

    /** The native type Tidemark asks for instead of {@code decimal(10,2)}. */
    protected abstract String nativeDecimal10x2();

    @BeforeEach
    void open() { destination = openDestination(); }

    @AfterEach
    void close() { destination.close(); }

    protected static StreamSchema people(Column... extra) {
        List<Column> columns = new ArrayList<>(List.of(new Column("id", DataType.INT64, false, null), Column.of("name", DataType.STRING),
                Column.of("score", DataType.decimal(10, 2))));
        columns.addAll(List.of(extra));
        return new StreamSchema(new StreamId(null, "people"), columns, List.of("id"), null);
    }

    protected static WriteRequest request(StreamSchema schema, WriteMode mode, long runId, List<String> dedup) {
        return new WriteRequest("people_sync", schema.id(), schema, mode, runId, NOW, dedup);
    }

    protected final void write(StreamSchema schema, WriteMode mode, long runId, List<List<Object[]>> batches) {
        try (StreamWriter w = destination.open(request(schema, mode, runId, List.of()))) {
            for (List<Object[]> batch : batches) assertThat(w.write(new RowBatch(schema, batch)).rejected()).isEmpty();
            w.commit(new CommittedState("people_sync", runId, "run " + runId, NOW));
        }
    }

    @Test
    void upsertWithADuplicateKeyInsideOneRunKeepsTheLastOccurrence() throws Exception {
        write(people(), WriteMode.UPSERT, 1, List.of(
                List.of(new Object[]{1L, "first", new BigDecimal("1.00")}, new Object[]{2L, "other", null}),
                List.<Object[]>of(new Object[]{1L, "second", new BigDecimal("2.00")}),
                List.<Object[]>of(new Object[]{1L, "last", new BigDecimal("3.5")})));

        assertThat(query("SELECT id, name, score FROM people ORDER BY id")).containsExactly(
                List.of(storedInteger(1), "last", storedDecimal("3.50")), Arrays.asList(storedInteger(2), "other", null));
    }

    @Test
    void upsertCountsOnlyRowsSupersededInTheRunAsSkippedNotUpdatesOfHeldKeys() {
        StreamSchema schema = people();
        write(schema, WriteMode.UPSERT, 1, List.of(List.of(new Object[]{1L, "ada", null}, new Object[]{2L, "bob", null})));
        try (StreamWriter w = destination.open(request(schema, WriteMode.UPSERT, 2, List.of()))) {
            w.write(new RowBatch(schema, List.of(new Object[]{1L, "ada lovelace", null}, new Object[]{3L, "cy", null}, new Object[]{3L, "cyd", null})));
            w.commit(new CommittedState("people_sync", 2, "run 2", NOW));
            assertThat(w.skippedRows()).isEqualTo(1);
        }
    }

    @Test
    void aResyncedHistoryTableIsStampedAndKeepsTakingAppendsOfTheSameKey() throws Exception {
        StreamSchema schema = people();
        try (StreamWriter w = destination.open(new WriteRequest("people_sync", schema.id(), schema, WriteMode.REPLACE, 1, NOW, List.of(), true))) {
            w.write(new RowBatch(schema, List.<Object[]>of(new Object[]{1L, "ada", null})));
            w.commit(new CommittedState("people_sync", 1, "run 1", NOW));
        }
        try (StreamWriter w = destination.open(request(schema, WriteMode.APPEND, 2, List.of("id", "name")))) {
            w.write(new RowBatch(schema, List.of(new Object[]{1L, "ada", null}, new Object[]{1L, "ada lovelace", null})));
            w.commit(new CommittedState("people_sync", 2, "run 2", NOW));
            assertThat(w.skippedRows()).isEqualTo(1);
        }

        assertThat(query("SELECT id, name, _tidemark_run_id FROM people WHERE " + syncedAtIsNow() + " ORDER BY _tidemark_run_id"))
                .containsExactly(List.of(storedInteger(1), "ada", storedInteger(1)), List.of(storedInteger(1), "ada lovelace", storedInteger(2)));
    }

    @Test
    void aMissingColumnIsAddedToTheExistingTable() throws Exception {
        write(people(), WriteMode.UPSERT, 1, List.of(List.<Object[]>of(new Object[]{1L, "ada", null})));
        StreamSchema wider = people(Column.of("email", DataType.string(100)));
        write(wider, WriteMode.UPSERT, 2, List.of(List.<Object[]>of(new Object[]{2L, "bob", null, "bob@example.com"})));

        assertThat(destination.describeTarget(wider.id())).get().extracting(StreamSchema::columnNames)
                .isEqualTo(List.of("id", "name", "score", "email"));
        assertThat(query("SELECT id, email FROM people ORDER BY id")).containsExactly(Arrays.asList(storedInteger(1), null),
                List.of(storedInteger(2), "bob@example.com"));
    }

    @Test
    void anExistingColumnOfAnIncompatibleTypeIsRefusedNamingBothTypes() throws Exception {
        execute(createPeopleTable("INTEGER"));

        assertThatThrownBy(() -> destination.open(request(people(), WriteMode.UPSERT, 1, List.of())))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("column score of main.people is " + integerColumnDescription() + " but the sync writes decimal(10,2)")
                .hasMessageContaining("change the column to " + nativeDecimal10x2())
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
        assertThat(destination.committedState("people_sync")).isEmpty();
    }

    @Test
    void valuesOfNarrowerTypesLoadIntoTheWiderColumnsOfAnExistingTable() throws Exception {
        execute(createPeopleTable(nativeDecimal10x2()));
        UUID name = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        StreamSchema narrower = new StreamSchema(people().id(), List.of(new Column("id", DataType.INT32, false, null),
                Column.of("name", DataType.UUID_TYPE), Column.of("score", DataType.INT16)), List.of("id"), null);
        write(narrower, WriteMode.UPSERT, 1, List.of(List.<Object[]>of(new Object[]{1, name, (short) 7})));

        assertThat(query("SELECT id, name, score FROM people")).containsExactly(List.of(storedInteger(1), name.toString(), storedDecimal("7.00")));
    }

    @ParameterizedTest
    @EnumSource(WriteMode.class)
    void commitDataOnlyMakesTheRowsDurableAndLeavesTheCommittedState(WriteMode mode) throws Exception {
        write(people(), WriteMode.UPSERT, 1, List.of(List.<Object[]>of(new Object[]{1L, "ada", null})));
        try (StreamWriter w = destination.open(request(people(), mode, 2, List.of()))) {
            Writes.send(w, mode, new RowBatch(people(), List.<Object[]>of(new Object[]{2L, "bob", null})));
            w.commitDataOnly();
        }
        assertThat(query("SELECT name FROM people WHERE id = 2")).containsExactly(List.of("bob"));
        assertThat(destination.committedState("people_sync")).get().extracting(CommittedState::checkpoint).isEqualTo("run 1");
    }

    /** Names with quotes, commas and newlines, so that a text-based load path must quote them. */
    @Test
    void twoHundredThousandRowsLoadInOneTransaction() throws Exception {
        List<List<Object[]>> batches = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            List<Object[]> batch = new ArrayList<>();
            for (long i = b * 10_000L; i < (b + 1) * 10_000L; i++) batch.add(new Object[]{i, "name \"" + i + "\",\n", BigDecimal.valueOf(i, 2)});
            batches.add(batch);
        }
        write(people(), WriteMode.REPLACE, 1, batches);
        write(people(), WriteMode.UPSERT, 2, batches.subList(10, 20));

        assertThat(query("SELECT count(*), count(DISTINCT id), " + exactSumOfScores() + ", max(name) FROM people"))
                .containsExactly(List.of(storedInteger(200_000), storedInteger(200_000), storedDecimal("199999000.00"), "name \"99999\",\n"));
    }
}
