package io.tidemark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tidemark.api.ChangeClass;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.WireExchange;
import io.tidemark.engine.config.ConfigError;
import io.tidemark.engine.config.ConfigException;
import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.store.RejectedRecord;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Diff syncs into a web API end to end: a SQLite model, the engine's apply lanes, the {@code http} connector and a
 * fake CRM on 127.0.0.1 that upserts contacts by email and counts what it receives, so that a lost or duplicated record,
 * or requests sent one at a time, show.
 */
class HttpDestinationSyncTest {
    private static final String TOKEN = "crm-t0ken-s3cret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private FakeCrm crm;

    @BeforeEach
    void start() throws IOException { crm = new FakeCrm(); }

    @AfterEach
    void stop() { crm.close(); }

    /** The workspace: contacts matched by email, added in batches with per-record results, changed and removed one by one. */
    private SyncEngine engine() throws IOException {
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  crm:
                    type: http
                    base_url: "%s/api"
                    auth: bearer
                    token: "${CRM_TOKEN}"
                    max_concurrency: 8
                    objects:
                      contacts:
                        added:   { method: POST, url: /contacts/batch, batch: { size: 50, format: json_array },
                                   results: { items: /results, error: /error } }
                        changed: { method: PATCH, url: "/contacts/{{email}}", body: { name: "{{name}}" } }
                        removed: { method: DELETE, url: "/contacts/{{email}}" }
                models:
                  contacts: { connection: app, table: contacts, primary_key: [id] }
                syncs:
                  to_crm:
                    model: contacts
                    destination: crm
                    table: contacts
                    sync_type: diff
                    mode: mirror
                    batch_size: 50
                    record_matching: { email: email }
                    field_mapping:
                      email: email
                      name: name
                      signed_up: { field: signed_up_at, transform: iso8601, time_zone: UTC, group: $set }
                      plan: { group: $set }
                """.formatted(crm.url()));
        ConnectorRegistry registry = ConnectorRegistry.load();
        return SyncEngine.builder().workspace(new WorkspaceLoader(registry, Map.of("CRM_TOKEN", TOKEN)::get).load(file))
                .stateStore(StateStore.defaultSqlite(dir, Clock.systemUTC())).registry(registry).build();
    }

    private void sqlite(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    /** Contacts 1..count, email {@code c<id>@x.io}. */
    private void seedContacts(int count) throws SQLException {
        sqlite("create table contacts (id bigint primary key, email text, name text, signed_up text, plan text)");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite"))) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("insert into contacts values (?, ?, ?, '2024-01-02 03:04:05', 'free')")) {
                for (int id = 1; id <= count; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "c" + id + "@x.io");
                    insert.setString(3, "Contact " + id);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.commit();
        }
    }

    private static RunRecord run(SyncEngine engine) {
        return engine.run("to_crm", "manual", RunListener.NONE);
    }

    @Test
    void aFirstRunSendsEveryRecordExactlyOnceWithSeveralBatchesInFlight() throws Exception {
        seedContacts(5_000);
        crm.rendezvous = new CountDownLatch(2);
        try (SyncEngine engine = engine()) {
            RunRecord first = run(engine);
            assertThat(first.status()).as(String.valueOf(first.errorMessage())).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(first.counts()).extracting(c -> c.added(), c -> c.rowsWritten(), c -> c.rowsRejected()).containsExactly(5_000L, 5_000L, 0L);
        }
        assertThat(crm.contacts).hasSize(5_000);
        assertThat(crm.writesPerEmail()).containsOnlyKeys(crm.contacts.keySet()).allSatisfy((email, writes) -> assertThat(writes).isOne());
        assertThat(crm.requests("POST")).hasSize(100);
        assertThat(crm.maxInFlight.get()).as("batches applied concurrently, within max_concurrency").isBetween(2, 8);
    }

    @Test
    void throttledAndUnavailableAnswersAreRetriedWithoutLosingOrDuplicatingARecord() throws Exception {
        seedContacts(1_000);
        // 20 batches and 2 resends: the last two requests are throttled, so that the slower pace a 429 brings (the
        // rate the API accepted in the last second) holds up only their resends and the test stays short.
        crm.script(3, FakeCrm.Scripted.UNAVAILABLE);
        crm.script(9, FakeCrm.Scripted.UNAVAILABLE);
        crm.script(21, FakeCrm.Scripted.THROTTLED);
        crm.script(22, FakeCrm.Scripted.THROTTLED);
        try (SyncEngine engine = engine()) {
            RunRecord first = run(engine);
            assertThat(first.status()).as(String.valueOf(first.errorMessage())).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(first.counts().rowsWritten()).isEqualTo(1_000);
        }
        assertThat(crm.answered).containsEntry(429, 2).containsEntry(503, 2).containsEntry(200, 20);
        assertThat(crm.contacts).hasSize(1_000);
        assertThat(crm.writesPerEmail()).hasSize(1_000).allSatisfy((email, writes) -> assertThat(writes).isOne());
    }

    @Test
    void aRecordTheApiRefusesIsRejectedWithItsReasonAndSentOnceTheSourceIsFixed() throws Exception {
        seedContacts(120);
        sqlite("update contacts set email = 'c7-at-x.io' where id = 7");
        try (SyncEngine engine = engine()) {
            RunRecord first = run(engine);
            assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED_WITH_REJECTIONS);
            assertThat(first.counts()).extracting(c -> c.added(), c -> c.rowsWritten(), c -> c.rowsRejected()).containsExactly(120L, 119L, 1L);
            assertThat(engine.rejections(first.id(), 10)).containsExactly(new RejectedRecord("added", "id=7", "invalid email: c7-at-x.io"));
            assertThat(crm.contacts).hasSize(119).doesNotContainKey("c7-at-x.io");

            sqlite("update contacts set email = 'c7@x.io' where id = 7");
            RunRecord second = run(engine);
            assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(second.counts()).extracting(c -> c.added(), c -> c.changed(), c -> c.rowsWritten()).containsExactly(1L, 0L, 1L);
        }
        assertThat(crm.contacts).hasSize(120).containsKey("c7@x.io");
        assertThat(crm.writesPerEmail()).allSatisfy((email, writes) -> assertThat(writes).isOne());
    }

    @Test
    void changedRecordsArePatchedAtTheirEncodedUrlAndRemovedOnesDeletedOrFoundGone() throws Exception {
        seedContacts(4);
        sqlite("update contacts set email = 'c2+crm@x.io' where id = 2");
        try (SyncEngine engine = engine()) {
            assertThat(run(engine).status()).isEqualTo(RunStatus.SUCCEEDED);
            crm.received.clear();
            crm.contacts.remove("c4@x.io"); // deleted at the API meanwhile

            sqlite("update contacts set name = 'Bobby' where id = 2", "delete from contacts where id in (3, 4)");
            RunRecord second = run(engine);
            assertThat(second.status()).as(String.valueOf(second.errorMessage())).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(second.counts())
                    .extracting(c -> c.changed(), c -> c.removed(), c -> c.rowsWritten(), c -> c.rowsDeleted(), c -> c.rowsRejected())
                    .as("the record already gone counts as nothing to delete").containsExactly(1L, 2L, 1L, 1L, 0L);
        }
        assertThat(crm.received).extracting(FakeCrm.Received::method, FakeCrm.Received::rawPath, FakeCrm.Received::body, FakeCrm.Received::status)
                .containsExactlyInAnyOrder(tuple("PATCH", "/api/contacts/c2%2Bcrm%40x.io", "{\"name\":\"Bobby\"}", 200),
                        tuple("DELETE", "/api/contacts/c3%40x.io", "", 204), tuple("DELETE", "/api/contacts/c4%40x.io", "", 404));
        assertThat(crm.contacts).containsOnlyKeys("c1@x.io", "c2+crm@x.io");
        assertThat(crm.contacts.get("c2+crm@x.io").get("name").asText()).isEqualTo("Bobby");
    }

    @Test
    void transformedFieldsNestIntoTheJsonBodyByTheirGroup() throws Exception {
        seedContacts(1);
        sqlite("update contacts set plan = 'pro' where id = 1");
        try (SyncEngine engine = engine()) {
            assertThat(run(engine).status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(crm.contacts.get("c1@x.io")).isEqualTo(JSON.readTree("""
                { "email": "c1@x.io", "name": "Contact 1", "$set": { "signed_up_at": "2024-01-02T03:04:05.000Z", "plan": "pro" } }"""));
    }

    @Test
    void testRowShowsTheExactExchangeWithTheTokenMaskedAndARefusalWithTheApisAnswer() throws Exception {
        seedContacts(2);
        sqlite("update contacts set email = 'c2-at-x.io' where id = 2");
        try (SyncEngine engine = engine()) {
            TestRowResult sent = engine.testRow("to_crm", List.of("1"), Optional.empty(), Map.of());
            assertThat(sent.accepted()).as(sent.answer()).isTrue();
            assertThat(sent.as()).isEqualTo(ChangeClass.ADDED);
            assertThat(sent.op()).contains(ChangeOp.UPSERT);
            WireExchange exchange = sent.exchanges().getFirst();
            assertThat(sent.exchanges()).hasSize(1);
            assertThat(exchange.request()).isEqualTo("POST " + crm.url() + "/api/contacts/batch\n"
                    + "Authorization: Bearer ******\n"
                    + "Content-Type: application/json\n"
                    + "\n"
                    + "[{\"email\":\"c1@x.io\",\"name\":\"Contact 1\",\"$set\":{\"signed_up_at\":\"2024-01-02T03:04:05.000Z\",\"plan\":\"free\"}}]");
            assertThat(withoutDate(exchange.response())).isEqualTo("HTTP 200\n"
                    + "content-length: 46\n"
                    + "content-type: application/json\n"
                    + "\n"
                    + "{\"results\":[{\"email\":\"c1@x.io\",\"error\":null}]}");
            assertThat(crm.received.getFirst().authorization()).as("the token resolved from ${CRM_TOKEN}").isEqualTo("Bearer " + TOKEN);
            assertThat(exchange.toString()).doesNotContain(TOKEN);

            TestRowResult refused = engine.testRow("to_crm", List.of("2"), Optional.empty(), Map.of());
            assertThat(refused.accepted()).isFalse();
            assertThat(refused.answer()).isEqualTo("invalid email: c2-at-x.io");
            assertThat(refused.exchanges()).singleElement().extracting(WireExchange::response).asString()
                    .endsWith("\n\n{\"results\":[{\"email\":\"c2-at-x.io\",\"error\":\"invalid email: c2-at-x.io\"}]}");
        }
    }

    @Test
    void aSyncIntoACaptureApiThatWouldSendRemovalsIsRefusedWhenTheFileIsLoaded() throws IOException {
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  analytics: { type: capture, url: "http://127.0.0.1:9/", api_key: phc_key }
                models:
                  events: { connection: app, table: events, primary_key: [id] }
                syncs:
                  mirrored: { model: events, destination: analytics, table: events, sync_type: diff, mode: mirror }
                  soft:     { model: events, destination: analytics, table: events, sync_type: diff, mode: mirror, delete_behavior: soft_delete }
                  kept:     { model: events, destination: analytics, table: events, sync_type: diff, mode: mirror, delete_behavior: nothing }
                """);
        assertThatThrownBy(() -> new WorkspaceLoader(ConnectorRegistry.load(), Map.<String, String>of()::get).load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::keyPath, ConfigError::message).containsExactlyInAnyOrder(
                                tuple("syncs.mirrored.delete_behavior", "a capture destination cannot delete or change the records of "
                                        + "removed rows, so it takes no removals (mode mirror deletes them by default); use delete_behavior nothing"),
                                tuple("syncs.soft.delete_behavior", "a capture destination cannot delete or change the records of "
                                        + "removed rows, so it takes no removals; use delete_behavior nothing"),
                                // Syncs may share an API object only while none sends removals, which could remove another's records.
                                tuple("syncs.soft.table", "table events at analytics is already written by sync mirrored; "
                                        + "each destination table belongs to one sync")));
    }

    @Test
    void aFirstRunWithDuplicateKeysSendsNothingToAnApi() throws Exception {
        // An API keeps every request it answered, so the key check must come before the first request, not after.
        sqlite("create table contacts (id bigint, email text, name text, signed_up text, plan text)",
                "insert into contacts values (1, 'a@x.io', 'A', null, 'free'), (2, 'b@x.io', 'B', null, 'free'), (1, 'c@x.io', 'C', null, 'free')");
        try (SyncEngine engine = engine()) {
            RunRecord failed = run(engine);
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.errorMessage()).contains("duplicate primary keys").contains("nothing was sent");
        }
        assertThat(crm.received).isEmpty();
    }

    @Test
    void whatAnApiCannotTakeIsRefusedWhenTheFileIsLoaded() throws IOException {
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  crm:
                    type: http
                    base_url: "http://127.0.0.1:9/"
                    objects: { contacts: { added: { method: PUT, url: "/contacts/{{email}}" } } }
                  logged:
                    type: http
                    base_url: "http://127.0.0.1:9/"
                    sync_logs: true
                    objects:
                      contacts:
                        added: { method: PUT, url: "/contacts/{{email}}", headers: { X-Key: "${CRM_KEY}" } }
                models:
                  contacts: { connection: app, table: contacts, primary_key: [email] }
                syncs:
                  rising: { model: contacts, destination: crm, table: contacts, sync_type: incremental, cursor_field: updated_at, cursor_type: timestamp }
                """);
        assertThatThrownBy(() -> new WorkspaceLoader(ConnectorRegistry.load(), Map.of("CRM_KEY", "k3y")::get).load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::keyPath)
                        .containsExactlyInAnyOrder("connections.logged.sync_logs", "connections.logged.objects.contacts.added.headers.X-Key",
                                "syncs.rising.sync_type"))
                .hasMessageNotContaining("k3y");
    }

    private static String withoutDate(String response) { return response.replaceAll("(?mi)^date: .*\n", ""); }

    /**
     * A CRM on 127.0.0.1: {@code POST /api/contacts/batch} upserts a JSON array of contacts by email and answers one
     * result per record (an email without "@" is refused in its result); {@code PATCH} and {@code DELETE
     * /api/contacts/{email}} change or delete one (404 when it has none). Every request needs the bearer token.
     * It counts writes per email, answers by status and the most requests in flight at once; answers can be scripted
     * by request number, and a rendezvous holds the first request until a second one arrives (or a few seconds pass).
     */
    static final class FakeCrm implements AutoCloseable {
        enum Scripted { THROTTLED, UNAVAILABLE }

        record Received(String method, String rawPath, String authorization, String body, int status) {}

        final ConcurrentMap<String, JsonNode> contacts = new ConcurrentHashMap<>();
        final List<Received> received = new CopyOnWriteArrayList<>();
        final ConcurrentMap<Integer, Integer> answered = new ConcurrentHashMap<>();
        final AtomicInteger maxInFlight = new AtomicInteger();
        volatile CountDownLatch rendezvous = new CountDownLatch(0);
        private final ConcurrentMap<String, AtomicInteger> writes = new ConcurrentHashMap<>();
        private final ConcurrentMap<Integer, Scripted> scripted = new ConcurrentHashMap<>();
        private final AtomicInteger requestNumber = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final HttpServer server;

        FakeCrm() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(threads);
            server.createContext("/api/", this::handle);
            server.start();
        }

        String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

        /** Answers the {@code number}th request (from 1, retries included) this way instead of handling it. */
        void script(int number, Scripted answer) { scripted.put(number, answer); }

        Map<String, Integer> writesPerEmail() {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            writes.forEach((email, n) -> counts.put(email, n.get()));
            return counts;
        }

        List<Received> requests(String method) { return received.stream().filter(r -> r.method().equals(method)).toList(); }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }

        private void handle(HttpExchange exchange) throws IOException {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try (exchange) {
                rendezvous.countDown();
                rendezvous.await(5, TimeUnit.SECONDS);
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                Answer answer = answer(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), authorization, body);
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), authorization, body, answer.status()));
                answered.merge(answer.status(), 1, Integer::sum);
                answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                if (answer.body().isEmpty()) {
                    exchange.sendResponseHeaders(answer.status(), -1);
                } else {
                    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(answer.status(), bytes.length);
                    exchange.getResponseBody().write(bytes);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private record Answer(int status, Map<String, String> headers, String body) {
            Answer(int status, String body) { this(status, Map.of(), body); }
        }

        private Answer answer(String method, String path, String authorization, String body) throws IOException {
            if (!("Bearer " + TOKEN).equals(authorization)) return new Answer(401, "{\"message\":\"invalid token\"}");
            Scripted script = scripted.get(requestNumber.incrementAndGet());
            if (script == Scripted.THROTTLED) return new Answer(429, Map.of("Retry-After", "1"), "{\"message\":\"slow down\"}");
            if (script == Scripted.UNAVAILABLE) return new Answer(503, "{\"message\":\"try again\"}");
            if (method.equals("POST") && path.equals("/api/contacts/batch")) {
                ArrayNode results = JsonNodeFactory.instance.arrayNode();
                for (JsonNode record : JSON.readTree(body)) {
                    String email = record.path("email").asText();
                    ObjectNode result = results.addObject().put("email", email);
                    if (email.contains("@")) {
                        upsert(email, record);
                        result.putNull("error");
                    } else {
                        result.put("error", "invalid email: " + email);
                    }
                }
                return new Answer(200, JsonNodeFactory.instance.objectNode().set("results", results).toString());
            }
            String email = path.substring("/api/contacts/".length());
            return switch (method) {
                case "PATCH" -> {
                    JsonNode old = contacts.get(email);
                    if (old == null) yield new Answer(404, "{\"message\":\"no contact " + email + "\"}");
                    ObjectNode merged = old.deepCopy();
                    merged.setAll((ObjectNode) JSON.readTree(body));
                    upsert(email, merged);
                    yield new Answer(200, "{\"email\":\"" + email + "\"}");
                }
                case "DELETE" -> contacts.remove(email) == null ? new Answer(404, "{\"message\":\"no contact " + email + "\"}") : new Answer(204, "");
                default -> new Answer(405, "{\"message\":\"method not allowed\"}");
            };
        }

        private void upsert(String email, JsonNode record) {
            contacts.put(email, record);
            writes.computeIfAbsent(email, k -> new AtomicInteger()).incrementAndGet();
        }
    }
}
