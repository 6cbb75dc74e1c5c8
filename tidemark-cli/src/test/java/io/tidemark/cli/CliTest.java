package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI as users run it: a separate process, its stdout, stderr and exit code. */
class CliTest {
    @TempDir Path dir;

    @BeforeEach
    void workspace() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            s.execute("create table orders (id bigint primary key, status varchar(16), updated_at timestamp not null)");
            s.execute("insert into orders values (1, 'placed', '2026-03-01T10:00:00'), (2, 'paid', '2026-03-01T11:00:00')");
        }
        Files.writeString(dir.resolve("tidemark.yaml"), """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  wh:  { type: duckdb, path: wh.duckdb }
                  out: { type: files, path: out, format: jsonl }
                models:
                  orders: { connection: app, table: orders, primary_key: [id] }
                syncs:
                  orders_to_wh:
                    model: orders
                    destination: wh
                    table: orders
                    sync_type: incremental
                    cursor_field: updated_at
                    cursor_type: timestamp
                    mode: upsert
                  orders_to_files: { model: orders, destination: out, table: orders, sync_type: full_refresh }
                """);
        Files.createDirectories(dir.resolve("out"));
    }

    private CliResult tidemark(String... args) throws Exception {
        return tidemark(Map.of(), args);
    }

    private CliResult tidemark(Map<String, String> env, String... args) throws Exception {
        return CliProcess.run(dir, env, args);
    }

    @Test
    void runJsonPrintsTheDocumentedSummary() throws Exception {
        CliResult r = tidemark("run", "--json", "orders_to_wh");
        assertThat(r.exit()).as(r.output()).isZero();
        JsonNode summary = r.json();
        assertThat(summary.fieldNames()).toIterable().contains("run_id", "sync", "status", "rows_read", "added", "changed",
                "removed", "rows_written", "rows_deleted", "rows_rejected", "duration_ms", "checkpoint_before", "checkpoint_after");
        assertThat(summary.get("status").asText()).isEqualTo("succeeded");
        assertThat(summary.get("rows_written").asLong()).isEqualTo(2);

        CliResult show = tidemark("run-show", "--json", summary.get("run_id").asText());
        assertThat(show.json().get("checkpoint_after").asText()).contains("\"type\":\"cursor\"");
        CliResult runs = tidemark("runs", "--json");
        assertThat(runs.json()).hasSize(1);
    }

    @Test
    void invalidConfigurationExitsWith2AndListsEveryError() throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), """
                connections:
                  app: { type: sqlite }
                syncs:
                  s: { model: nope, destination: app, table: t, sync_type: incremental }
                """);
        CliResult r = tidemark("run", "-f", "bad.yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.output()).contains("error[config_invalid]").contains("bad.yaml: connections.app.path")
                .contains("syncs.s.model").contains("syncs.s.cursor_field").contains("syncs.s.cursor_type");
    }

    @Test
    void anUnreachableDatabaseExitsWith3AndIsRecorded() throws Exception {
        Files.writeString(dir.resolve("down.yaml"), """
                connections:
                  pg: { type: postgres, url: "jdbc:postgresql://127.0.0.1:1/app", user: app, password: "${PG_SECRET}" }
                  wh: { type: duckdb, path: wh.duckdb }
                models:
                  m: { connection: pg, table: public.orders }
                syncs:
                  s: { model: m, destination: wh, table: t }
                """);
        CliResult r = tidemark(Map.of("PG_SECRET", "hunter2-secret"), "run", "-f", "down.yaml", "s");
        assertThat(r.exit()).as(r.output()).isEqualTo(3);
        assertThat(r.output()).contains("connection_failed").contains("127.0.0.1:1").doesNotContain("hunter2-secret");
        assertThat(tidemark(Map.of("PG_SECRET", "hunter2-secret"), "runs", "-f", "down.yaml").output()).contains("failed");
    }

    @Test
    void aPausedSyncIsRefusedWithHowToResume() throws Exception {
        assertThat(tidemark("pause", "orders_to_wh").exit()).isZero();
        CliResult refused = tidemark("run", "orders_to_wh");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.output()).contains("error[sync_paused]").contains("tidemark resume orders_to_wh");
        assertThat(tidemark("resume", "orders_to_wh").exit()).isZero();
        assertThat(tidemark("run", "orders_to_wh").exit()).isZero();
    }

    @Test
    void discoverAndCheckReportInJson() throws Exception {
        CliResult discover = tidemark("discover", "--json", "app");
        assertThat(discover.exit()).as(discover.output()).isZero();
        JsonNode orders = discover.json().get(0);
        assertThat(orders.get("stream").asText()).isEqualTo("main.orders");
        assertThat(orders.get("primary_key")).extracting(JsonNode::asText).containsExactly("id");
        assertThat(orders.get("cursor_candidates")).extracting(JsonNode::asText).contains("updated_at");

        CliResult check = tidemark("check", "--json");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.json()).allSatisfy(item -> assertThat(item.get("ok").asBoolean()).isTrue());
    }

    @Test
    void aFullDiskExitsWith3AndLeavesTheFileAndCheckpointAsTheyWere() throws Exception {
        assertThat(tidemark("run", "orders_to_files").exit()).isZero();
        String before = Files.readString(dir.resolve("out/orders.jsonl"));
        // Run 2 writes orders.jsonl.tmp-2; /dev/full takes the open and fails every write with ENOSPC.
        Path temp = dir.resolve("out/orders.jsonl.tmp-2");
        Files.createSymbolicLink(temp, Path.of("/dev/full"));

        CliResult full = tidemark("run", "--json", "orders_to_files");
        assertThat(full.exit()).as(full.output()).isEqualTo(3);
        assertThat(full.json().get("error_code").asText()).isEqualTo("disk_full");
        assertThat(full.json().get("error").asText()).contains("orders.jsonl.tmp-2");
        assertThat(Files.readString(dir.resolve("out/orders.jsonl"))).isEqualTo(before);
        assertThat(full.json().get("checkpoint_after").isNull()
                || full.json().get("checkpoint_after").asText().equals(full.json().get("checkpoint_before").asText())).isTrue();

        Files.deleteIfExists(temp);
        sqliteExecute("insert into orders values (3, 'paid', '2026-03-01T12:00:00')");
        assertThat(tidemark("run", "orders_to_files").exit()).isZero();
        assertThat(Files.readAllLines(dir.resolve("out/orders.jsonl"))).hasSize(3);
    }

    private void sqliteExecute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void deleteDataNeedsConfirmationAndThenForgetsTheCheckpoint() throws Exception {
        tidemark("run", "orders_to_files");
        assertThat(dir.resolve("out/orders.jsonl")).exists();
        assertThat(tidemark("delete-data", "orders_to_files").exit()).isEqualTo(2);
        assertThat(dir.resolve("out/orders.jsonl")).exists();
        assertThat(tidemark("delete-data", "--yes", "orders_to_files").exit()).isZero();
        assertThat(dir.resolve("out/orders.jsonl")).doesNotExist();
    }
}
