package io.tidemark.connector.duckdb;

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
import io.tidemark.jdbc.JdbcDestination;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
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

/** The destination's table handling and its bulk path, checked with SQL against the file it wrote. */
class DuckDbWriteTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    /** Small enough that a 200k-row load spools and loads many files in one transaction. */
    private static final long SMALL_SPOOL = 1 << 20;

    @TempDir
    Path workDir;
    private Destination destination;

    @BeforeEach
    void open() {
        ConnectorConfig config = new ConnectorConfig("wh", new DuckDbConnectorFactory().configSpec(), Map.of("path", "warehouse.duckdb"));
        DuckDbDatabase db = DuckDbDatabase.of(config, new ConnectorContext(Clock.fixed(NOW, ZoneOffset.UTC), workDir));
        destination = new JdbcDestination(db, CsvStagingLoader.factory(db.dialect(), SMALL_SPOOL));
    }

    @AfterEach
    void close() { destination.close(); }

    private static StreamSchema people(Column... extra) {
        List<Column> columns = new ArrayList<>(List.of(new Column("id", DataType.INT64, false, null), Column.of("name", DataType.STRING),
                Column.of("score", DataType.decimal(10, 2))));
        columns.addAll(List.of(extra));
        return new StreamSchema(new StreamId(null, "people"), columns, List.of("id"), null);
    }

    private void write(StreamSchema schema, WriteMode mode, long runId, List<List<Object[]>> batches) {
        try (StreamWriter w = destination.open(new WriteRequest("people_sync", schema.id(), schema, mode, runId, NOW, List.of()))) {
            for (List<Object[]> batch : batches) assertThat(w.write(new RowBatch(schema, batch)).rejected()).isEmpty();
            w.commit(new CommittedState("people_sync", runId, "run " + runId, NOW));
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = DuckDbDatabase.open(workDir.resolve("warehouse.duckdb"));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private List<List<Object>> query(String sql) throws Exception {
        try (Connection c = DuckDbDatabase.open(workDir.resolve("warehouse.duckdb"));
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
        StreamSchema schema = people();
        write(schema, WriteMode.UPSERT, 1, List.of(
                List.of(new Object[]{1L, "first", new BigDecimal("1.00")}, new Object[]{2L, "other", null}),
                List.<Object[]>of(new Object[]{1L, "second", new BigDecimal("2.00")}),
                List.<Object[]>of(new Object[]{1L, "last", new BigDecimal("3.00")})));

        assertThat(query("SELECT id, name, score FROM people ORDER BY id")).containsExactly(
                List.of(1L, "last", new BigDecimal("3.00")), Arrays.asList(2L, "other", null));
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

        assertThat(query("SELECT id, name, _tidemark_run_id, _tidemark_synced_at = TIMESTAMPTZ '2026-03-01 12:00:00+00' FROM people ORDER BY _tidemark_run_id"))
                .containsExactly(List.of(1L, "ada", 1L, true), List.of(1L, "ada lovelace", 2L, true));
    }

    @Test
    void aMissingColumnIsAddedToTheExistingTable() throws Exception {
        write(people(), WriteMode.UPSERT, 1, List.of(List.<Object[]>of(new Object[]{1L, "ada", null})));
        StreamSchema wider = people(Column.of("email", DataType.string(100)));
        write(wider, WriteMode.UPSERT, 2, List.of(List.<Object[]>of(new Object[]{2L, "bob", null, "bob@example.com"})));

        assertThat(destination.describeTarget(wider.id())).get().extracting(StreamSchema::columnNames)
                .isEqualTo(List.of("id", "name", "score", "email"));
        assertThat(query("SELECT id, email FROM people ORDER BY id")).containsExactly(Arrays.asList(1L, null),
                List.of(2L, "bob@example.com"));
    }

    @Test
    void anExistingColumnOfAnIncompatibleTypeIsRefusedNamingBothTypes() throws Exception {
        execute("CREATE TABLE people (id BIGINT PRIMARY KEY, name VARCHAR, score INTEGER)");

        assertThatThrownBy(() -> destination.open(new WriteRequest("people_sync", people().id(), people(), WriteMode.UPSERT, 1, NOW, List.of())))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("column score of main.people is INTEGER (int32) but the sync writes decimal(10,2)")
                .hasMessageContaining("change the column to DECIMAL(10,2)")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
        assertThat(destination.committedState("people_sync")).isEmpty();
    }

    @Test
    void aWiderExistingColumnTakesNarrowerValues() throws Exception {
        execute("CREATE TABLE people (id BIGINT PRIMARY KEY, name VARCHAR, score DECIMAL(18,4))");
        write(people(), WriteMode.UPSERT, 1, List.of(List.<Object[]>of(new Object[]{1L, "ada", new BigDecimal("12.50")})));
        assertThat(query("SELECT score FROM people")).containsExactly(List.of(new BigDecimal("12.5000")));
    }

    @Test
    void twoHundredThousandRowsLoadThroughStagedFilesInOneTransaction() throws Exception {
        StreamSchema schema = people();
        List<List<Object[]>> batches = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            List<Object[]> batch = new ArrayList<>();
            for (long i = b * 10_000L; i < (b + 1) * 10_000L; i++) batch.add(new Object[]{i, "name \"" + i + "\",\n", BigDecimal.valueOf(i, 2)});
            batches.add(batch);
        }
        write(schema, WriteMode.REPLACE, 1, batches);
        write(schema, WriteMode.UPSERT, 2, batches.subList(10, 20));

        assertThat(query("SELECT count(*), count(DISTINCT id), sum(score), max(name) FROM people"))
                .containsExactly(List.of(200_000L, 200_000L, new BigDecimal("199999000.00"), "name \"99999\",\n"));
    }

    @Test
    void closingWithoutCommitLeavesNoShadowOrStagingTableBehind() throws Exception {
        StreamSchema schema = people();
        for (WriteMode mode : WriteMode.values()) {
            try (StreamWriter w = destination.open(new WriteRequest("people_sync", schema.id(), schema, mode, 1, NOW, List.of("id")))) {
                w.write(new RowBatch(schema, List.<Object[]>of(new Object[]{1L, "a", null})));
            }
        }
        assertThat(query("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%tidemark%' AND table_name <> '_tidemark_state'")).isEmpty();
    }
}
