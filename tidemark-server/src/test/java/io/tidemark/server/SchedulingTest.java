package io.tidemark.server;

import com.sun.net.httpserver.HttpServer;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.SequenceRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulingTest {
    private static final String EVERY_2S = "{\"cron\": \"*/2 * * * * *\"}";
    @TempDir Path dir;

    private static void workspace(TestServer t, String syncs) {
        String yaml = """
                connections:
                  src: { type: sqlite, path: source.db }
                  dst: { type: sqlite, path: dest.db }
                models:
                  items: { connection: src, table: items, primary_key: [id] }
                  missing: { connection: src, table: no_such_table, primary_key: [id] }
                """ + syncs;
        var applied = t.send("PUT", "/api/v1/workspace", t.admin, yaml, "application/yaml");
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    }

    private static List<RunRecord> runs(TestServer t, String sync) {
        return t.store.runs(Optional.of(sync), 1000);
    }

    @Test
    void aScheduledSyncRunsOnItsScheduleAndAPausedOneNever() throws Exception {
        TestServer.sourceTable(dir.resolve("source.db"), "items", 10);
        try (TestServer t = new TestServer(dir, Map.of())) {
            workspace(t, """
                    syncs:
                      often: { model: items, destination: dst, table: a, sync_type: full_refresh, schedule: %s }
                      held: { model: items, destination: dst, table: b, sync_type: full_refresh, schedule: %s }
                    """.formatted(EVERY_2S, EVERY_2S));
            assertThat(t.post("/api/v1/syncs/held/pause", t.operator).status()).isEqualTo(200);
            // A slot due before the pause landed may still have fired; none due after it may.
            Instant pausedAt = Instant.now();
            await(() -> runs(t, "often").size() >= 3, Duration.ofSeconds(20));
            assertThat(runs(t, "often").stream().filter(RunRecord::finished).toList()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(r -> {
                assertThat(r.trigger()).startsWith("schedule ");
                assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
            });
            assertThat(runs(t, "held")).noneSatisfy(r -> assertThat(due(r)).isAfter(pausedAt));
        }
    }

    @Test
    void aScheduleMissedWhileTheServerWasDownRunsOnceAtStartUp() throws Exception {
        TestServer.sourceTable(dir.resolve("source.db"), "items", 10);
        try (TestServer t = new TestServer(dir, Map.of())) {
            workspace(t, """
                    syncs:
                      often: { model: items, destination: dst, table: a, sync_type: full_refresh, schedule: %s }
                    """.formatted(EVERY_2S));
            await(() -> !runs(t, "often").isEmpty(), Duration.ofSeconds(20));
        }
        Thread.sleep(7_000); // three or four slots pass with no server
        Instant restart = Instant.now();
        try (TestServer t = new TestServer(dir, Map.of())) {
            await(() -> runs(t, "often").stream().anyMatch(r -> due(r).isAfter(restart)), Duration.ofSeconds(20));
            long catchUps = runs(t, "often").stream().filter(r -> r.startedAt().isAfter(restart) && due(r).isBefore(restart)).count();
            assertThat(catchUps).as("missed slots are run once, not once each").isEqualTo(1);
        }
    }

    @Test
    void anAfterSyncRunsWhenItsUpstreamSucceeded() throws Exception {
        TestServer.sourceTable(dir.resolve("source.db"), "items", 10);
        try (TestServer t = new TestServer(dir, Map.of())) {
            workspace(t, """
                    syncs:
                      first: { model: items, destination: dst, table: a, sync_type: full_refresh }
                      second: { model: items, destination: dst, table: b, sync_type: full_refresh, schedule: { after: first } }
                    """);
            long upstream = t.post("/api/v1/syncs/first/runs", t.operator).json().path("run").path("run_id").asLong();
            await(() -> !runs(t, "second").isEmpty(), Duration.ofSeconds(20));
            assertThat(runs(t, "second").getFirst().trigger()).isEqualTo("after first run " + upstream);
        }
    }

    @Test
    void aSequenceStopsAtTheFirstFailureAndReportsIt() throws Exception {
        TestServer.sourceTable(dir.resolve("source.db"), "items", 10);
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try (TestServer t = new TestServer(dir, Map.of())) {
            workspace(t, """
                    syncs:
                      one: { model: items, destination: dst, table: a, sync_type: full_refresh }
                      broken: { model: missing, destination: dst, table: b, sync_type: full_refresh }
                      three: { model: items, destination: dst, table: c, sync_type: full_refresh }
                    sequences:
                      nightly: { syncs: [one, broken, three] }
                    notifications:
                      webhook_url: "http://127.0.0.1:%d/hook"
                    """.formatted(hook.getAddress().getPort()));
            assertThat(t.post("/api/v1/sequences/nightly/runs", t.operator).status()).isEqualTo(202);
            await(() -> t.store.sequenceRuns(Optional.of("nightly"), 1).stream().anyMatch(r -> r.status().finished()), Duration.ofSeconds(30));
            SequenceRun run = t.store.sequenceRuns(Optional.of("nightly"), 1).getFirst();
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.failedSync()).contains("broken");
            assertThat(runs(t, "one")).hasSize(1);
            assertThat(runs(t, "broken")).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.FAILED));
            assertThat(runs(t, "three")).as("a failure stops the sequence").isEmpty();
            await(() -> received.size() >= 2, Duration.ofSeconds(20));
            assertThat(received).anySatisfy(body -> assertThat(body).contains("\"event\":\"sequence_failed\"").contains("\"name\":\"nightly\""));
            assertThat(received).anySatisfy(body -> assertThat(body).contains("\"event\":\"run_failed\"").contains("\"name\":\"broken\""));
        } finally {
            hook.stop(0);
        }
    }

    /** The scheduled time a run was started for, from its trigger ({@code schedule <instant>}). */
    private static Instant due(RunRecord run) {
        return Instant.parse(run.trigger().substring("schedule ".length()));
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) throw new AssertionError("condition not met within " + timeout);
            Thread.sleep(100);
        }
    }
}
