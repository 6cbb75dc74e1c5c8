package io.tidemark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The served OpenAPI document says exactly what the server does: its routes, and the keys of its answers. */
class OpenApiTest {
    @TempDir Path dir;
    TestServer t;
    JsonNode doc;

    @BeforeEach
    void start() throws Exception {
        TestServer.sourceTable(dir.resolve("source.db"), "items", 10);
        t = new TestServer(dir, Map.of());
        doc = t.get("/api/openapi.json", t.reader).json();
    }

    @AfterEach
    void stop() { t.close(); }

    @Test
    void documentsEveryRouteAndNoOther() {
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            var path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(new HashSet<>(t.server.routes()));
    }

    @Test
    void documentsTheScopeEachRouteNeeds() {
        // An operation marked admin must refuse an operator; one marked read-only must admit a reader.
        var put = doc.path("paths").path("/api/v1/connections/{name}").path("put");
        assertThat(put.path("x-tidemark-scope").asText()).isEqualTo("admin");
        assertThat(t.put("/api/v1/connections/x", t.operator, "{\"type\": \"sqlite\", \"path\": \"x.db\"}").status()).isEqualTo(403);
        assertThat(doc.path("paths").path("/api/v1/runs").path("get").path("x-tidemark-scope").asText()).isEqualTo("read-only");
        assertThat(t.get("/api/v1/runs", t.reader).status()).isEqualTo(200);
    }

    @Test
    void answersHaveExactlyTheDocumentedKeys() throws Exception {
        t.put("/api/v1/connections/src", t.admin, "{\"type\": \"sqlite\", \"path\": \"source.db\"}");
        t.put("/api/v1/models/items", t.admin, "{\"connection\": \"src\", \"table\": \"items\", \"primary_key\": [\"id\"]}");
        t.put("/api/v1/syncs/copy", t.admin, "{\"model\": \"items\", \"destination\": \"src\", \"table\": \"items_copy\", \"sync_type\": \"full_refresh\"}");
        var started = t.post("/api/v1/syncs/copy/runs", t.operator);
        assertKeys(started.json(), "Started");
        long runId = started.json().path("run").path("run_id").asLong();
        t.awaitFinished(runId, Duration.ofSeconds(30));
        assertKeys(t.get("/api/v1/runs/" + runId, t.reader).json(), "RunDetail");
        assertKeys(t.get("/api/v1/runs", t.reader).json().get(0), "Run");
        assertKeys(t.get("/api/v1/syncs/copy", t.reader).json(), "SyncEntry");
        assertKeys(t.get("/api/v1/connections/src", t.reader).json(), "Entry");
        assertKeys(t.get("/api/v1/syncs/copy/status", t.reader).json(), "Status");
        assertKeys(t.get("/api/v1/audit", t.reader).json().get(0), "AuditEvent");
        assertKeys(t.post("/api/v1/syncs/copy/check", t.operator).json().get(0), "CheckItem");
        assertKeys(t.post("/api/v1/connections/src/discover", t.operator).json().get(0), "Discovered");
        TestServer.execute(dir.resolve("source.db"), "alter table items add column note text");
        JsonNode plan = t.post("/api/v1/syncs/copy/plan", t.operator).json();
        assertKeys(plan, "Plan");
        assertKeys(plan.path("schema_changes").path(0), "SchemaChange");
        assertKeys(t.get("/api/v1/tokens", t.admin).json().get(0), "Token");
        assertKeys(t.post("/api/v1/workspace/plan", t.admin, t.get("/api/v1/workspace", t.reader).body()).json(), "WorkspacePlan");
        assertKeys(t.get("/api/v1/syncs/nope", t.reader).json(), "Error");
        assertKeys(t.get("/api/v1/session", t.reader).json(), "Session");
        assertKeys(t.get("/api/v1/connectors", t.reader).json().get(0), "Connector");
        assertKeys(t.get("/api/v1/connectors", t.reader).json().get(0).path("fields").get(0),
                doc.path("components").path("schemas").path("Connector").path("properties").path("fields").path("items").path("properties"));
    }

    private void assertKeys(JsonNode answer, String schema) {
        JsonNode properties = doc.path("components").path("schemas").path(schema).path("properties");
        assertThat(properties.isObject()).as("schema " + schema + " is documented").isTrue();
        assertKeys(answer, properties);
    }

    private void assertKeys(JsonNode answer, JsonNode properties) {
        List<String> documented = new ArrayList<>();
        properties.fieldNames().forEachRemaining(documented::add);
        List<String> actual = new ArrayList<>();
        answer.fieldNames().forEachRemaining(actual::add);
        assertThat(actual).as("keys of " + answer).containsExactlyInAnyOrderElementsOf(documented);
    }
}
