package io.tidemark.connector.sqlite;

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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A writer's process killed with SIGKILL mid-load leaves the old data and the old state, and the next run works. */
class SqliteCrashTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path workDir;

    @ParameterizedTest
    @EnumSource(WriteMode.class)
    void aKilledWriterLeavesTheOldDataAndStateAndTheNextRunSucceeds(WriteMode mode) throws Exception {
        Path file = workDir.resolve("data.sqlite");
        ConnectorConfig config = new ConnectorConfig("db", new SqliteConnectorFactory().configSpec(), Map.of("path", file.toString()));
        ConnectorContext context = new ConnectorContext(Clock.systemUTC(), workDir);
        try (Destination destination = new SqliteConnectorFactory().openDestination(config, context)) {
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

        try (Destination destination = new SqliteConnectorFactory().openDestination(config, context)) {
            assertThat(destination.committedState("orders_sync")).get().extracting(CommittedState::checkpoint).isEqualTo("run 1");
            assertThat(rows(file, "SELECT id, note FROM orders")).containsExactly(List.of(1, "committed"));
            assertThat(rows(file, "SELECT name FROM sqlite_schema WHERE name LIKE '_tidemark_shadow%'")).isEmpty();
            commit(destination, mode, 3, List.<Object[]>of(new Object[]{2L, "after the crash"}));
            assertThat(destination.committedState("orders_sync")).get().extracting(CommittedState::checkpoint).isEqualTo("run 3");
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
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
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
