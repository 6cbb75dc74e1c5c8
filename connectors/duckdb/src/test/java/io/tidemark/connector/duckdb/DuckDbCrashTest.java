package io.tidemark.connector.duckdb;

import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.Destination;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer's process killed with SIGKILL mid-load leaves the old data and the old state, the next run works, and the
 * killed writer's spool file does not stay behind.
 */
class DuckDbCrashTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path workDir;

    @ParameterizedTest
    @EnumSource(WriteMode.class)
    void aKilledWriterLeavesTheOldDataAndStateAndTheNextRunSucceeds(WriteMode mode) throws Exception {
        Path file = workDir.resolve("warehouse.duckdb");
        ConnectorConfig config = new ConnectorConfig("wh", new DuckDbConnectorFactory().configSpec(), Map.of("path", file.toString()));
        ConnectorContext context = new ConnectorContext(Clock.systemUTC(), workDir);
        try (Destination destination = new DuckDbConnectorFactory().openDestination(config, context)) {
            commit(destination, mode, 1, List.<Object[]>of(new Object[]{1L, "committed"}));
        }

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), KilledWriter.class.getName(),
                file.toString(), mode.name()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine()).isEqualTo("written");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        try (Destination destination = new DuckDbConnectorFactory().openDestination(config, context)) {
            assertThat(destination.committedState("orders_sync")).get().extracting(CommittedState::checkpoint).isEqualTo("run 1");
            assertThat(rows(file, "SELECT id, note FROM orders")).containsExactly(List.of(1L, "committed"));
            assertThat(rows(file, "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_tidemark_shadow%'")).isEmpty();
            commit(destination, mode, 3, List.<Object[]>of(new Object[]{2L, "after the crash"}));
            assertThat(destination.committedState("orders_sync")).get().extracting(CommittedState::checkpoint).isEqualTo("run 3");
        }
        try (var leftovers = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                CsvStagingLoader.SPOOL_PREFIX + child.pid() + "-*")) {
            assertThat(leftovers).as("the killed writer's spool folder is removed by the next writer").isEmpty();
        }
    }

    private static void commit(Destination destination, WriteMode mode, long runId, List<Object[]> rows) {
        try (StreamWriter w = destination.open(new WriteRequest("orders_sync", KilledWriter.SCHEMA.id(), KilledWriter.SCHEMA, mode, runId,
                NOW, List.of("id")))) {
            w.write(new RowBatch(KilledWriter.SCHEMA, rows));
            w.commit(new CommittedState("orders_sync", runId, "run " + runId, NOW));
        }
    }

    private static List<List<Object>> rows(Path file, String sql) throws Exception {
        try (Connection c = DuckDbDatabase.open(file); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
                rows.add(row);
            }
            return rows;
        }
    }
}
