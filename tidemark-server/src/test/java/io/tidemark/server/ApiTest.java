package io.tidemark.server;

import io.tidemark.store.AuditQuery;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ApiTest {
    private static final String KEY = io.tidemark.server.security.SecretCipher.newKey();
    @TempDir Path dir;
    TestServer t;

    @BeforeEach
    void start() throws Exception {
        TestServer.sourceTable(dir.resolve("source.db"), "items", 1_000);
        t = new TestServer(dir, Map.of("TIDEMARK_SECRET_KEY", KEY));
        assertThat(t.put("/api/v1/connections/src", t.admin, "{\"type\": \"sqlite\", \"path\": \"source.db\"}").status()).isEqualTo(201);
        assertThat(t.put("/api/v1/connections/dst", t.admin, "{\"type\": \"sqlite\", \"path\": \"dest.db\"}").status()).isEqualTo(201);
        assertThat(t.put("/api/v1/models/items", t.admin, "{\"connection\": \"src\", \"table\": \"items\", \"primary_key\": [\"id\"]}").status()).isEqualTo(201);
        var created = t.put("/api/v1/syncs/items_copy", t.admin,
                "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"items\", \"sync_type\": \"full_refresh\", \"batch_size\": 50}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() { t.close(); }

    @Test
    void everyEndpointButHealthNeedsAToken() {
        assertThat(t.get("/health", null).status()).isEqualTo(200);
        assertThat(t.get("/ready", null).status()).isEqualTo(200);
        for (String path : new String[] {"/api/v1/syncs", "/api/v1/runs", "/api/v1/audit", "/metrics", "/api/openapi.json"}) {
            var response = t.get(path, null);
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.error().path("code").asText()).isEqualTo("authentication_failed");
        }
        assertThat(t.get("/api/v1/syncs", "tmk_not-a-real-token").status()).isEqualTo(401);
        for (String route : t.server.routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replace("{name}", "items_copy").replace("{id}", "1");
            if (path.equals("/health") || path.equals("/ready") || path.equals("/")) continue;
            assertThat(t.send(method, path, null, method.equals("GET") || method.equals("DELETE") ? null : "{}", "application/json").status())
                    .as(route + " without a token").isEqualTo(401);
        }
        assertThat(t.get("/api/v1/syncs", t.reader).json()).hasSize(1);
    }

    @Test
    void theAuditTrailReadsNewestFirstAndItsCsvHasEveryEventThatMatches() {
        t.post("/api/v1/syncs/items_copy/pause", t.operator);
        t.post("/api/v1/syncs/items_copy/resume", t.operator);
        assertThat(t.get("/api/v1/audit?order=newest_first&limit=1", t.reader).json()).singleElement()
                .satisfies(e -> assertThat(e.path("action").asText()).isEqualTo("resume"));
        assertThat(t.get("/api/v1/audit?order=oldest_first&limit=1", t.reader).json()).singleElement()
                .satisfies(e -> assertThat(e.path("action").asText()).isEqualTo("put connection"));
        var sideways = t.get("/api/v1/audit?order=sideways", t.reader);
        assertThat(sideways.status()).isEqualTo(400);
        assertThat(sideways.error().path("field").asText()).isEqualTo("order");

        long events = t.store.audit(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), 0, 1000)).size();
        String[] csv = t.get("/api/v1/audit.csv?order=newest_first", t.reader).body().split("\r?\n");
        assertThat(csv).hasSize((int) events + 1);
        assertThat(csv[1]).contains("resume");
        String[] filtered = t.get("/api/v1/audit.csv?target=sync/items_copy", t.reader).body().split("\r?\n");
        assertThat(filtered).hasSize(3 + 1); // put, pause, resume
    }

    @Test
    void theWebUiAndItsLibrariesAreServedFromTheJarUnderAStrictContentSecurityPolicy() {
        var root = t.get("/", null);
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValue("/ui/");
        var page = t.get("/ui/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"importmap\">").contains("src=\"/ui/js/app.js\"");
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
                .contains("default-src 'self'").containsPattern("script-src 'self' 'sha256-[A-Za-z0-9+/=]{44}'").doesNotContain("unsafe");
        String preact = page.body().replaceAll("(?s).*\"preact\": \"([^\"]+)\".*", "$1");
        assertThat(t.get(preact, null).status()).as(preact).isEqualTo(200);
        assertThat(t.get("/ui/js/nothing.js", null).status()).isEqualTo(404);
        var withoutSlash = t.get("/ui", null);
        assertThat(withoutSlash.status()).as("the page names its assets by absolute path, so it works here too").isIn(200, 301, 302);
    }

    @Test
    void theWebhookUrlIsShownRedactedAndKeptWhenGivenBackRedacted() {
        var applied = t.send("PUT", "/api/v1/workspace", t.admin, t.get("/api/v1/workspace", t.reader).body()
                .replaceFirst("\\}$", ", \"notifications\": {\"webhook_url\": \"https://hooks.example/T0K3N?key=s3cr3t\"}}"), "application/json");
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);
        String export = t.get("/api/v1/workspace", t.reader).body();
        assertThat(export).doesNotContain("s3cr3t").doesNotContain("T0K3N");
        assertThat(t.get("/api/v1/audit.csv", t.reader).body()).doesNotContain("s3cr3t");
        assertThat(t.post("/api/v1/workspace/plan", t.admin, export).json().path("empty").asBoolean()).isTrue();
    }

    @Test
    void aReadOnlyTokenCannotChangeAnything() {
        long before = t.store.latestWorkspace().orElseThrow().version();
        var put = t.put("/api/v1/syncs/items_copy", t.reader, "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"x\", \"sync_type\": \"full_refresh\"}");
        assertThat(put.status()).isEqualTo(403);
        assertThat(put.error().path("message").asText()).contains("read-only").contains("admin");
        assertThat(t.post("/api/v1/syncs/items_copy/runs", t.reader).status()).isEqualTo(403);
        assertThat(t.post("/api/v1/syncs/items_copy/pause", t.reader).status()).isEqualTo(403);
        assertThat(t.delete("/api/v1/connections/src", t.reader).status()).isEqualTo(403);
        assertThat(t.post("/api/v1/tokens", t.operator, "{\"name\": \"x\", \"scope\": \"admin\"}").status()).isEqualTo(403);
        assertThat(t.store.latestWorkspace().orElseThrow().version()).isEqualTo(before);
        assertThat(t.store.runs(Optional.empty(), 10)).isEmpty();
        assertThat(t.get("/api/v1/syncs", t.reader).status()).isEqualTo(200);
    }

    @Test
    void runNowRunsTheSyncAndRecordsItInTheAuditTrail() throws Exception {
        var started = t.post("/api/v1/syncs/items_copy/runs", t.operator);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        long runId = started.json().path("run").path("run_id").asLong();
        RunRecord run = t.awaitFinished(runId, Duration.ofSeconds(60));
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(TestServer.count(dir.resolve("dest.db"), "items")).isEqualTo(1_000);
        var detail = t.get("/api/v1/runs/" + runId, t.reader);
        assertThat(detail.json().path("status").asText()).isEqualTo("succeeded");
        assertThat(detail.json().path("rows_read").asLong()).isEqualTo(1_000);
        assertThat(detail.json().has("rejected_rows")).isTrue();
        assertThat(t.store.audit(new AuditQuery(Optional.of("sync/items_copy"), Optional.empty(), Optional.empty(), 0, 100)))
                .anySatisfy(e -> {
                    assertThat(e.action()).isEqualTo("run");
                    assertThat(e.actor()).isEqualTo("operator-token");
                });
        var csv = t.get("/api/v1/audit.csv", t.reader);
        assertThat(csv.body()).startsWith("id,at,actor,action,target,before,after,detail").contains("operator-token,run,sync/items_copy");
    }

    @Test
    void aColumnAddedAtTheSourceIsPlannedThenPropagatedAndShownOnTheRun() throws Exception {
        assertThat(runToEnd("items_copy").status()).isEqualTo(RunStatus.SUCCEEDED);
        TestServer.execute(dir.resolve("source.db"), "alter table items add column note text");
        String added = "column note (string) added: propagate (schema_policy column_added)";

        var plan = t.post("/api/v1/syncs/items_copy/plan", t.operator);
        assertThat(plan.status()).as("a full_refresh sync is planned too: " + plan.body()).isEqualTo(200);
        assertThat(plan.json().path("schema_changes")).singleElement().satisfies(c -> {
            assertThat(c.path("kind").asText()).isEqualTo("column_added");
            assertThat(c.path("column").asText()).isEqualTo("note");
            assertThat(c.path("before").isNull()).isTrue();
            assertThat(c.path("after").asText()).isEqualTo("string");
            assertThat(c.path("action").asText()).isEqualTo("propagate");
            assertThat(c.path("description").asText()).isEqualTo(added);
        });
        assertThat(plan.json().path("schema_choices").isNull()).as("nothing stops the run").isTrue();
        assertThat(plan.json().path("added").path("count").asLong()).as("rows are counted for diff syncs only").isZero();

        RunRecord run = runToEnd("items_copy");
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(t.get("/api/v1/runs/" + run.id(), t.reader).json().path("schema_changes")).singleElement().satisfies(c -> {
            assertThat(c.path("kind").asText()).isEqualTo("column_added");
            assertThat(c.path("column").asText()).isEqualTo("note");
            assertThat(c.path("before").isNull()).isTrue();
            assertThat(c.path("after").asText()).isEqualTo("string");
            assertThat(c.path("action").asText()).isEqualTo("propagate");
            assertThat(c.path("description").asText()).isEqualTo(added);
        });
        assertThat(t.post("/api/v1/syncs/items_copy/plan", t.operator).json().path("schema_changes")).as("applied: none pending").isEmpty();
    }

    @Test
    void aSchemaPolicyThatPausesStopsTheRunPausesTheSyncAndAuditsTheChange() throws Exception {
        var policy = t.patch("/api/v1/syncs/items_copy", t.admin, "{\"schema_policy\": {\"column_added\": \"pause\"}}");
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
        assertThat(runToEnd("items_copy").status()).isEqualTo(RunStatus.SUCCEEDED);
        TestServer.execute(dir.resolve("source.db"), "alter table items add column note text");
        var plan = t.post("/api/v1/syncs/items_copy/plan", t.operator).json();
        assertThat(plan.path("schema_changes")).singleElement().satisfies(c -> {
            assertThat(c.path("action").asText()).isEqualTo("pause");
            assertThat(c.path("description").asText()).isEqualTo("column note (string) added: pause (schema_policy column_added)");
        });
        assertThat(plan.path("schema_choices").asText()).as("the ways on of a full_refresh sync")
                .startsWith("`tidemark resync items_copy` rebuilds the destination in the new shape, or set schema_policy to propagate");

        RunRecord run = runToEnd("items_copy");
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        var detail = t.get("/api/v1/runs/" + run.id(), t.reader).json();
        assertThat(detail.path("error_code").asText()).isEqualTo("schema_changed");
        assertThat(detail.path("error").asText()).contains("note").contains("resync");
        assertThat(detail.path("schema_changes")).singleElement().satisfies(c -> {
            assertThat(c.path("kind").asText()).isEqualTo("column_added");
            assertThat(c.path("action").asText()).isEqualTo("pause");
            assertThat(c.path("description").asText()).isEqualTo("column note (string) added: pause (schema_policy column_added)");
        });
        assertThat(t.get("/api/v1/syncs/items_copy", t.reader).json().path("paused").asBoolean()).isTrue();
        assertThat(t.get("/api/v1/audit?target=sync/items_copy&order=newest_first", t.reader).json()).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("schema pause");
            assertThat(e.path("actor").asText()).isEqualTo("tidemark");
        });
    }

    @Test
    void runNowWhileRunningAnswersWithTheRunningRunAndCancelStopsIt() throws Exception {
        TestServer.sourceTable(dir.resolve("source.db"), "items", 300_000);
        var first = t.post("/api/v1/syncs/items_copy/runs", t.operator);
        long runId = first.json().path("run").path("run_id").asLong();
        var second = t.post("/api/v1/syncs/items_copy/runs", t.operator);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("already_running").asBoolean()).isTrue();
        assertThat(second.json().path("run").path("run_id").asLong()).isEqualTo(runId);

        var changeWhileRunning = t.patch("/api/v1/syncs/items_copy", t.admin, "{\"batch_size\": 500}");
        assertThat(changeWhileRunning.status()).isEqualTo(409);
        assertThat(changeWhileRunning.error().path("code").asText()).isEqualTo("sync_running");

        var otherRun = t.post("/api/v1/syncs/items_copy/cancel?run_id=" + (runId + 1000), t.operator);
        assertThat(otherRun.status()).as("a page showing another run stops nothing").isEqualTo(409);
        var cancel = t.post("/api/v1/syncs/items_copy/cancel?run_id=" + runId, t.operator);
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);
        RunRecord run = t.awaitFinished(runId, Duration.ofSeconds(20));
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.checkpointAfter()).isEqualTo(run.checkpointBefore());
        assertThat(tableExists(dir.resolve("dest.db"), "items")).as("nothing half-written stays visible").isFalse();
    }

    @Test
    void destructiveChangesAreRefusedUnlessAResyncIsAsked() throws Exception {
        var refused = t.patch("/api/v1/syncs/items_copy", t.admin, "{\"sync_type\": \"incremental\", \"cursor_field\": \"id\", \"cursor_type\": \"integer\", \"mode\": \"upsert\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.error().path("code").asText()).isEqualTo("destructive_change");
        assertThat(refused.error().path("field").asText()).isEqualTo("sync_type");
        assertThat(refused.error().path("message").asText()).contains("resync=true");

        var nonDestructive = t.patch("/api/v1/syncs/items_copy", t.admin, "{\"batch_size\": 500}");
        assertThat(nonDestructive.status()).as(nonDestructive.body()).isEqualTo(200);
        assertThat(nonDestructive.json().path("settings").path("batch_size").asInt()).isEqualTo(500);

        var accepted = t.patch("/api/v1/syncs/items_copy?resync=true", t.admin,
                "{\"sync_type\": \"incremental\", \"cursor_field\": \"id\", \"cursor_type\": \"integer\", \"mode\": \"upsert\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        long resync = accepted.json().path("resync_runs").get(0).path("run_id").asLong();
        assertThat(t.awaitFinished(resync, Duration.ofSeconds(60)).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(TestServer.count(dir.resolve("dest.db"), "items")).isEqualTo(1_000);
    }

    @Test
    void secretsAreEncryptedAtRestAndNeverShown() {
        var put = t.put("/api/v1/connections/warehouse", t.admin,
                "{\"type\": \"postgres\", \"url\": \"jdbc:postgresql://127.0.0.1:1/wh\", \"user\": \"app\", \"password\": \"hunter2-very-secret\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(201);
        assertThat(put.body()).doesNotContain("hunter2");
        assertThat(t.get("/api/v1/connections/warehouse", t.reader).json().path("settings").path("password").asText()).isEqualTo("********");
        assertThat(t.get("/api/v1/workspace?format=yaml", t.reader).body()).doesNotContain("hunter2").contains("********");
        String stored = t.store.latestWorkspace().orElseThrow().document();
        assertThat(stored).doesNotContain("hunter2").contains("enc:v1:");
        assertThat(t.get("/api/v1/audit.csv", t.reader).body()).doesNotContain("hunter2");
        // Applying the export again keeps the stored secret: ******** means "unchanged".
        var export = t.get("/api/v1/workspace", t.reader).body();
        var plan = t.post("/api/v1/workspace/plan", t.admin, export);
        assertThat(plan.json().path("empty").asBoolean()).as(plan.body()).isTrue();
    }

    @Test
    void applyingTheSameDocumentTwiceChangesNothing() {
        String yaml = """
                connections:
                  src: { type: sqlite, path: source.db }
                  dst: { type: sqlite, path: dest.db }
                models:
                  items: { connection: src, table: items, primary_key: [id] }
                syncs:
                  items_copy: { model: items, destination: dst, table: items, sync_type: full_refresh, batch_size: 50 }
                  items_again: { model: items, destination: dst, table: items2, sync_type: full_refresh, schedule: 1hour }
                """;
        var first = t.send("PUT", "/api/v1/workspace", t.admin, yaml, "application/yaml");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("plan").path("entries")).hasSize(1);
        long version = t.store.latestWorkspace().orElseThrow().version();
        var second = t.send("PUT", "/api/v1/workspace", t.admin, yaml, "application/yaml");
        assertThat(second.json().path("plan").path("empty").asBoolean()).isTrue();
        assertThat(t.store.latestWorkspace().orElseThrow().version()).isEqualTo(version);
        assertThat(t.get("/api/v1/syncs/items_again", t.reader).json().path("next_run").isTextual()).isTrue();
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        long version = t.store.latestWorkspace().orElseThrow().version();
        var malformed = t.put("/api/v1/syncs/items_copy", t.admin, "{\"model\": \"items\",");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.error().path("code").asText()).isEqualTo("invalid_json");

        var unknownField = t.patch("/api/v1/syncs/items_copy", t.admin, "{\"batch_sise\": 10}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.error().path("field").asText()).isEqualTo("syncs.items_copy.batch_sise");

        var duplicateKey = t.patch("/api/v1/syncs/items_copy", t.admin, "{\"batch_size\": 10, \"batch_size\": 20}");
        assertThat(duplicateKey.status()).isEqualTo(400);

        var oversized = t.put("/api/v1/models/big", t.admin, "{\"connection\": \"src\", \"query\": \"" + "x".repeat(2 << 20) + "\"}");
        assertThat(oversized.status()).isEqualTo(413);

        var sqlName = t.put("/api/v1/syncs/x';drop%20table%20runs;--", t.admin, "{}");
        assertThat(sqlName.status()).isEqualTo(400);
        assertThat(sqlName.error().path("message").asText()).contains("names use letters");

        var traversalName = t.get("/api/v1/syncs/..%2F..%2Fetc%2Fpasswd", t.reader);
        assertThat(traversalName.status()).isBetween(400, 404);

        var traversalPath = t.put("/api/v1/connections/evil", t.admin, "{\"type\": \"sqlite\", \"path\": \"../../etc/evil.db\"}");
        assertThat(traversalPath.status()).isEqualTo(400);
        assertThat(traversalPath.error().path("field").asText()).isEqualTo("connections.evil.path");
        var absolutePath = t.put("/api/v1/connections/evil", t.admin, "{\"type\": \"sqlite\", \"path\": \"/etc/evil.db\"}");
        assertThat(absolutePath.status()).isEqualTo(400);

        var notAnObject = t.post("/api/v1/tokens", t.admin, "[1, 2]");
        assertThat(notAnObject.status()).isEqualTo(400);
        var badLimit = t.get("/api/v1/runs?limit=-3", t.reader);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.error().path("field").asText()).isEqualTo("limit");

        assertThat(t.store.latestWorkspace().orElseThrow().version()).isEqualTo(version);
        assertThat(t.get("/health", null).status()).isEqualTo(200);
        assertThat(t.get("/api/v1/syncs", t.reader).json()).hasSize(1);
    }

    @Test
    void tokensMadeThroughTheApiWorkAndRevokedOnesDoNot() {
        var created = t.post("/api/v1/tokens", t.admin, "{\"name\": \"ci\", \"scope\": \"operator\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().path("token").asText();
        assertThat(t.get("/api/v1/tokens", t.admin).body()).contains("\"ci\"").doesNotContain(token);
        assertThat(t.post("/api/v1/syncs/items_copy/pause", token).status()).isEqualTo(200);
        assertThat(t.delete("/api/v1/tokens/ci", t.admin).status()).isEqualTo(204);
        assertThat(t.post("/api/v1/syncs/items_copy/resume", token).status()).isEqualTo(401);
    }

    /** Starts a run of {@code sync} and waits until it finished. */
    private RunRecord runToEnd(String sync) throws InterruptedException {
        var started = t.post("/api/v1/syncs/" + sync + "/runs", t.operator);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return t.awaitFinished(started.json().path("run").path("run_id").asLong(), Duration.ofSeconds(60));
    }

    private static boolean tableExists(Path file, String table) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             var rs = c.getMetaData().getTables(null, null, table, null)) {
            return rs.next();
        }
    }
}
