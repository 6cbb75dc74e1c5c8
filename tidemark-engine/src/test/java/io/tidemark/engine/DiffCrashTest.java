package io.tidemark.engine;

import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A diff run killed with SIGKILL between applying its changes and committing them: the next run neither loses nor
 * duplicates a change. The sync inserts only, so a change sent twice would be refused as "already exists" and show
 * as a rejected row.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class DiffCrashTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "killed at {0}")
    @ValueSource(strings = {"applied", "snapshot-committed"})
    void aRunKilledBetweenApplyingAndCommittingIsRedoneExactlyOnce(String point, PostgresServer pg) throws Exception {
        String crm = pg.createDatabase("crm");
        sqlite("create table contacts (id bigint primary key, name varchar(64))",
                "with recursive g(v) as (select 1 union all select v + 1 from g where v < 3000) insert into contacts select v, 'n' || v from g");
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  crm: { type: postgres, url: "%s", user: postgres }
                models:
                  contacts: { connection: app, table: contacts, primary_key: [id] }
                syncs:
                  to_crm: { model: contacts, destination: crm, table: crm_contacts, sync_type: diff, mode: insert, batch_size: 500 }
                """.formatted(pg.jdbcUrl(crm)));
        try (SyncEngine engine = engine(file)) {
            assertThat(engine.run("to_crm", "manual", RunListener.NONE).counts().rowsWritten()).isEqualTo(3000);
        }
        sqlite("with recursive g(v) as (select 3001 union all select v + 1 from g where v < 4000) insert into contacts select v, 'n' || v from g");

        killedAt(point, file);

        try (SyncEngine engine = engine(file)) {
            RunRecord redo = engine.run("to_crm", "manual", RunListener.NONE);
            assertThat(redo.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(redo.counts().added()).isEqualTo(1000);
            assertThat(redo.counts().rowsWritten()).isEqualTo(1000);
            assertThat(redo.counts().rowsRejected()).isZero();
            assertThat(engine.run("to_crm", "manual", RunListener.NONE).counts().added()).isZero();
        }
        try (Connection c = pg.connect(crm); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*), count(distinct id), min(id), max(id) from crm_contacts")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).containsExactly(4000L, 4000L, 1L, 4000L);
        }
    }

    /** Runs the sync in a child JVM, waits for it to reach {@code point}, and kills it with SIGKILL. */
    private void killedAt(String point, Path file) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dtidemark.test.pause-at=" + point, "-cp", System.getProperty("java.class.path"),
                DiffCrashMain.class.getName(), file.toString(), "to_crm"));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                seen.add(line);
                if (line.contains("paused at")) break;
            }
            assertThat(seen).as("child output").anyMatch(l -> l.contains("paused at"));
            process.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks, no rollback by us
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(137);
        } finally {
            process.destroyForcibly();
        }
    }

    private SyncEngine engine(Path file) { return DiffSyncTest.openEngine(file, dir); }

    private void sqlite(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }
}
