package io.tidemark.connector.sqlite;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
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
import io.tidemark.api.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The destination's table handling and its batch path, checked with SQL against the file it wrote. */
class SqliteWriteTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path workDir;
    private Destination destination;

    @BeforeEach
    void open() {
        ConnectorConfig config = new ConnectorConfig("db", new SqliteConnectorFactory().configSpec(), Map.of("path", "data.sqlite"));
        destination = new SqliteConnectorFactory().openDestination(config, new ConnectorContext(Clock.fixed(NOW, ZoneOffset.UTC), workDir));
    }

    @AfterEach
    void close() { destination.close(); }

    private static StreamSchema people(Column... extra) {
        List<Column> columns = new ArrayList<>(List.of(new Column("id", DataType.INT64, false, null), Column.of("name", DataType.STRING),
                Column.of("score", DataType.decimal(10, 2))));
        columns.addAll(List.of(extra));
        return new StreamSchema(new StreamId(null, "people"), columns, List.of("id"), null);
    }

    private WriteRequest request(StreamSchema schema, WriteMode mode, long runId, List<String> dedup) {
        return new WriteRequest("people_sync", schema.id(), schema, mode, runId, NOW, dedup);
    }

    private void write(StreamSchema schema, WriteMode mode, long runId, List<List<Object[]>> batches) {
        try (StreamWriter w = destination.open(request(schema, mode, runId, List.of()))) {
            for (List<Object[]> batch : batches) assertThat(w.write(new RowBatch(schema, batch)).rejected()).isEmpty();
            w.commit(new CommittedState("people_sync", runId, "run " + runId, NOW));
        }
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

    @Test
    void upsertWithADuplicateKeyInsideOneRunKeepsTheLastOccurrence() throws Exception {
        write(people(), WriteMode.UPSERT, 1, List.of(
                List.of(new Object[]{1L, "first", new BigDecimal("1.00")}, new Object[]{2L, "other", null}),
                List.<Object[]>of(new Object[]{1L, "second", new BigDecimal("2.00")}),
                List.<Object[]>of(new Object[]{1L, "last", new BigDecimal("3.5")})));

        assertThat(query("SELECT id, name, score FROM people ORDER BY id")).containsExactly(
                List.of(1, "last", "3.50"), Arrays.asList(2, "other", null));
    }

    @Test
    void upsertCountsOnlyRowsSupersededInTheRunAsSkippedNotUpdatesOfHeldKeys() {
        StreamSchema schema = people();
        write(schema, WriteMode.UPSERT, 1, List.of(List.of(new Object[]{1L, "ada", null}, new Object[]{2L, "bob", null})));
        try (StreamWriter w = destination.open(new WriteRequest("people_sync", schema.id(), schema, WriteMode.UPSERT, 2, NOW, List.of()))) {
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
        try (StreamWriter w = destination.open(new WriteRequest("people_sync", schema.id(), schema, WriteMode.APPEND, 2, NOW, List.of("id", "name")))) {
            w.write(new RowBatch(schema, List.of(new Object[]{1L, "ada", null}, new Object[]{1L, "ada lovelace", null})));
            w.commit(new CommittedState("people_sync", 2, "run 2", NOW));
            assertThat(w.skippedRows()).isEqualTo(1);
        }

        assertThat(query("SELECT id, name, _tidemark_run_id, _tidemark_synced_at FROM people ORDER BY _tidemark_run_id"))
                .containsExactly(List.of(1, "ada", 1, "2026-03-01T12:00:00"), List.of(1, "ada lovelace", 2, "2026-03-01T12:00:00"));
    }

    @Test
    void aMissingColumnIsAddedToTheExistingTable() throws Exception {
        write(people(), WriteMode.UPSERT, 1, List.of(List.<Object[]>of(new Object[]{1L, "ada", null})));
        StreamSchema wider = people(Column.of("email", DataType.string(100)));
        write(wider, WriteMode.UPSERT, 2, List.of(List.<Object[]>of(new Object[]{2L, "bob", null, "bob@example.com"})));

        assertThat(destination.describeTarget(wider.id())).get().extracting(StreamSchema::columnNames)
                .isEqualTo(List.of("id", "name", "score", "email"));
        assertThat(query("SELECT id, email FROM people ORDER BY id")).containsExactly(Arrays.asList(1, null), List.of(2, "bob@example.com"));
    }

    @Test
    void anExistingColumnOfAnIncompatibleTypeIsRefusedNamingBothTypes() throws Exception {
        execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, score INTEGER)");

        assertThatThrownBy(() -> destination.open(request(people(), WriteMode.UPSERT, 1, List.of())))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("column score of main.people is INTEGER (int64) but the sync writes decimal(10,2)")
                .hasMessageContaining("change the column to DECIMAL_TEXT(10,2)")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
    }

    @Test
    void anIntegerPrimaryKeyTableFromAnotherToolTakesUpsertsAndRefusesNullKeysRatherThanNumberingThem() throws Exception {
        execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, score NUMERIC)");
        execute("INSERT INTO people VALUES (1, 'old', 1)");
        try (StreamWriter w = destination.open(request(people(), WriteMode.UPSERT, 1, List.of()))) {
            WriteResult result = w.write(new RowBatch(people(), List.of(new Object[]{1L, "new", new BigDecimal("2.25")},
                    new Object[]{null, "nobody", null})));
            assertThat(result.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo("primary key column id is null"));
            w.commit(new CommittedState("people_sync", 1, "c", NOW));
        }
        assertThat(query("SELECT id, name, score FROM people")).containsExactly(List.of(1, "new", 2.25));
    }

    @Test
    void twoHundredThousandRowsLoadThroughBatchesInOneTransaction() throws Exception {
        List<List<Object[]>> batches = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            List<Object[]> batch = new ArrayList<>();
            for (long i = b * 10_000L; i < (b + 1) * 10_000L; i++) batch.add(new Object[]{i, "name " + i, BigDecimal.valueOf(i, 2)});
            batches.add(batch);
        }
        write(people(), WriteMode.REPLACE, 1, batches);
        write(people(), WriteMode.UPSERT, 2, batches.subList(10, 20));

        assertThat(query("SELECT count(*), count(DISTINCT id), max(name) FROM people")).containsExactly(List.of(200_000, 200_000, "name 99999"));
    }

    @Test
    void appendIndexesItsDedupColumnsSoThatSkippingHeldRowsDoesNotScan() throws Exception {
        StreamSchema schema = people();
        for (long run = 1; run <= 2; run++) {
            try (StreamWriter w = destination.open(request(schema, WriteMode.APPEND, run, List.of("id", "name")))) {
                w.write(new RowBatch(schema, List.<Object[]>of(new Object[]{1L, "a", null}, new Object[]{run, "run " + run, null})));
                w.commit(new CommittedState("people_sync", run, "c" + run, NOW));
            }
        }
        assertThat(query("SELECT id, name, _tidemark_run_id FROM people ORDER BY _tidemark_run_id, id")).containsExactly(
                List.of(1, "a", 1), List.of(1, "run 1", 1), List.of(2, "run 2", 2));
        assertThat(query("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'people'"))
                .containsExactly(List.of("_tidemark_dedup_people"));
    }
}
