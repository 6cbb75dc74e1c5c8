package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.server.security.ApiTokens;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real {@code tidemark server} processes on one Postgres state store: scheduled runs execute exactly once across
 * them, both do work, and when the node running a sync is killed with SIGKILL the other re-runs it from the last
 * checkpoint.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class ClusterTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    /** Fast cluster timings for the test: a silent node is dead after 4 s. */
    private static final String[] TIMINGS = {"--heartbeat", "1s", "--missed-heartbeats", "4", "--poll-interval", "500ms"};
    private final PostgresServer pg;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<CliProcess> nodes = new ArrayList<>();
    @TempDir Path dir;
    private String stateUrl;
    private String destination;
    private String admin;
    private StateStore store;

    ClusterTest(PostgresServer pg) { this.pg = pg; }

    @BeforeEach
    void prepare() {
        stateUrl = pg.jdbcUrl(pg.createDatabase("state")) + "?user=" + PostgresServer.USER;
        destination = pg.createDatabase("dest");
        store = StateStore.open(stateUrl, null, null, Clock.systemUTC());
        admin = ApiTokens.newToken();
        store.createToken("test-admin", "admin", ApiTokens.hash(admin));
    }

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (CliProcess node : nodes) if (node.process().isAlive()) node.kill9();
        store.close();
    }

    @Test
    void scheduledRunsExecuteExactlyOnceAcrossNodesAndBothNodesWork() throws Exception {
        sqliteSource(20_000);
        int first = startNode("n1", "--scheduler-threads", "2");
        startNode("n2", "--scheduler-threads", "2");
        StringBuilder syncs = new StringBuilder("syncs:\n");
        for (int i = 0; i < 6; i++) {
            syncs.append("  s").append(i).append(": { model: items, destination: dst, table: t").append(i)
                    .append(", sync_type: full_refresh, schedule: { cron: \"*/2 * * * * *\" } }\n");
        }
        apply(first, syncs.toString());
        Thread.sleep(16_000);
        List<RunRecord> runs = store.runs(Optional.empty(), 10_000);
        for (int i = 0; i < 6; i++) {
            String sync = "s" + i;
            List<String> slots = runs.stream().filter(r -> r.syncName().equals(sync)).map(RunRecord::trigger).toList();
            assertThat(slots).as(sync + ": every scheduled time ran once").doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(4);
        }
        assertThat(runs).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(RunStatus.SUCCEEDED, RunStatus.RUNNING));
        assertThat(runs.stream().map(r -> r.owner().replaceAll("/.*", "")).collect(Collectors.toSet()))
                .as("both nodes ran syncs").containsExactlyInAnyOrder("node:n1", "node:n2");
    }

    @Test
    void whenTheNodeRunningASyncIsKilledAnotherNodeRunsItAgain() throws Exception {
        long rows = sqliteSource(2_000_000);
        int first = startNode("n1");
        startNode("n2");
        apply(first, """
                syncs:
                  big: { model: items, destination: dst, table: big, sync_type: full_refresh, batch_size: 200,
                         schedule: { cron: "*/5 * * * * *" } }
                """);
        await(() -> running().filter(r -> r.counts().rowsWritten() > 0).isPresent(), Duration.ofSeconds(60));
        RunRecord killed = running().orElseThrow();
        String victim = killed.owner().startsWith("node:n1/") ? "n1" : "n2";
        String survivor = victim.equals("n1") ? "n2" : "n1";
        nodes.get(victim.equals("n1") ? 0 : 1).kill9();
        Instant killedAt = Instant.now();

        // db-scheduler revives the killed execution for "now": the re-run is the next run, on the surviving node.
        await(() -> store.runs(Optional.of("big"), 100).stream().anyMatch(r -> r.id() > killed.id() && r.status() == RunStatus.SUCCEEDED),
                Duration.ofSeconds(120));
        RunRecord rerun = store.runs(Optional.of("big"), 100).stream().filter(r -> r.id() > killed.id())
                .min(java.util.Comparator.comparingLong(RunRecord::id)).orElseThrow();
        Duration takeover = Duration.between(killedAt, rerun.startedAt());
        System.out.println("ClusterTest: node killed, run " + killed.id() + " re-run as " + rerun.id() + " by " + rerun.owner()
                + " after " + takeover.toMillis() + " ms");
        assertThat(rerun.owner()).startsWith("node:" + survivor + "/");
        assertThat(rerun.trigger()).startsWith("schedule ");
        // heartbeat 1 s × (4 missed + 2 for the dead-execution check) + polling 0.5 s, with slack for a busy machine
        assertThat(takeover).as("detected within the documented bound").isLessThan(Duration.ofSeconds(30));
        assertThat(store.run(killed.id()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        assertThat(count(destination, "big")).isEqualTo(rows);
    }

    private Optional<RunRecord> running() {
        return store.runs(Optional.of("big"), 10).stream().filter(r -> r.status() == RunStatus.RUNNING).findFirst();
    }

    private long sqliteSource(int rows) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("source.db")); Statement s = c.createStatement()) {
            s.execute("create table items (id integer primary key, name text not null, v integer not null)");
            s.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < " + rows + ") "
                    + "insert into items select i, 'name ' || i, i * 7 from n");
        }
        return rows;
    }

    private int startNode(String name, String... options) throws Exception {
        CliProcess node = CliProcess.start(dir, Map.of(), concat(concat(new String[] {"server", "--port", "0", "--data-dir", dir.toString(),
                "--state-store", stateUrl, "--node-name", name}, TIMINGS), options));
        nodes.add(node);
        Instant end = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(end)) {
            Matcher m = LISTENING.matcher(node.output());
            if (m.find()) return Integer.parseInt(m.group(1));
            if (!node.process().isAlive()) throw new AssertionError("server " + name + " exited:\n" + node.output());
            Thread.sleep(100);
        }
        throw new AssertionError("server " + name + " did not start:\n" + node.output());
    }

    private void apply(int port, String syncs) throws Exception {
        String yaml = """
                connections:
                  src: { type: sqlite, path: source.db }
                  dst: { type: postgres, url: "%s", user: postgres }
                models:
                  items: { connection: src, table: items, primary_key: [id] }
                """.formatted(pg.jdbcUrl(destination)) + syncs;
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/workspace"))
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)).header("Content-Type", "application/yaml")
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.path("plan").path("empty").asBoolean()).isFalse();
    }

    private long count(String database, String table) throws Exception {
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) throw new AssertionError("condition not met within " + timeout);
            Thread.sleep(200);
        }
    }
}
