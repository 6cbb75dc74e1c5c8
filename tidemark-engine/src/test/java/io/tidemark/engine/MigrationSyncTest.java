package io.tidemark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code analytics_export} preset end to end (docs/migration.md): a Heap-like export, as CSV files and as DuckDB
 * tables, migrated by the syncs the preset generates, run in its sequence's order through the engine into a capture
 * API on 127.0.0.1 that keeps every batch it receives. The events asserted are exactly what the API received.
 */
class MigrationSyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAGEVIEW_CSV = """
            event_id,user_id,session_id,time,session_time,library,platform,device_type,browser,country,region,city,ip,referrer,landing_page,path,domain,utm_source
            4001,8317,77,2024-03-01 09:15:02.123 UTC,2024-03-01 09:14:58.000 UTC,web,Mac OS X 10.15.7,Desktop,Chrome,United States,California,San Francisco,203.0.113.7,https://www.google.com/,https://shop.example.com/,/pricing,shop.example.com,newsletter
            4002,8318,78,2024-03-01 10:00:05.480 UTC,2024-03-01 10:00:01.000 UTC,web,iOS 17.3,Mobile,Safari,Germany,Berlin,Berlin,198.51.100.23,,https://shop.example.com/,/,shop.example.com,
            """;
    private static final String MY_COOL_EVENT_CSV = """
            event_id,user_id,session_id,time,session_time,library,platform,device_type,browser,path,domain,plan,seats
            5001,8317,77,2024-03-01 09:16:40.001 UTC,2024-03-01 09:14:58.000 UTC,web,Mac OS X 10.15.7,Desktop,Chrome,/checkout,shop.example.com,team,5
            5002,8318,78,2024-03-01 10:01:12.950 UTC,2024-03-01 10:00:01.000 UTC,web,iOS 17.3,Mobile,Safari,/checkout,shop.example.com,,
            """;
    private static final String USERS_CSV = """
            user_id,identity,joindate,last_modified,email,plan,initial_browser,initial_platform,initial_city,initial_referrer,initial_utm_source,full_initial_referrer
            8317,ada@example.com,2024-02-11 18:02:44.000,2024-03-01 09:20:00.000,ada@example.com,team,Chrome,Mac OS X 10.15.7,San Francisco,https://www.google.com/,newsletter,https://www.google.com/search?q=shop
            8318,,2024-03-01 10:00:01.000,2024-03-01 10:00:01.000,,,Safari,iOS 17.3,,,,
            """;

    @TempDir Path dir;
    private CaptureApi api;

    @BeforeEach
    void startApi() throws IOException {
        api = new CaptureApi();
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void aCsvExportBecomesAliasesPersonsAndEventsAndALaterRunSendsOnlyWhatIsNew() throws Exception {
        Path export = Files.createDirectories(dir.resolve("export"));
        Files.writeString(export.resolve("pageview.csv"), PAGEVIEW_CSV);
        Files.writeString(export.resolve("my_cool_event.csv"), MY_COOL_EVENT_CSV);
        Files.writeString(export.resolve("users.csv"), USERS_CSV);

        try (SyncEngine engine = engine("export: { type: files, path: export, format: csv }", "[pageview, my_cool_event]")) {
            Map<String, List<JsonNode>> sent = runSequence(engine);

            assertThat(sent.keySet()).as("the sequence's order").containsExactly("heap_aliases", "heap_users", "heap_pageview", "heap_my_cool_event");
            assertThat(sent.get("heap_aliases")).as("user 8318 has no identity: nothing to alias").containsExactlyInAnyOrderElementsOf(json("""
                    [ { "event": "$create_alias", "distinct_id": "ada@example.com",
                        "properties": { "distinct_id": "ada@example.com", "alias": "8317" } } ]
                    """));
            assertThat(sent.get("heap_users")).as("without SQL a person is named by its user_id").containsExactlyInAnyOrderElementsOf(json("""
                    [ { "event": "$set", "distinct_id": "8317",
                        "properties": {
                          "$set_once": { "$initial_browser": "Chrome", "$initial_referrer": "https://www.google.com/",
                                         "$initial_geoip_city_name": "San Francisco", "$initial_os": "Mac OS X",
                                         "$initial_os_version": "10.15.7", "initial_utm_source": "newsletter" },
                          "$set": { "joindate": "2024-02-11T18:02:44.000Z", "last_modified": "2024-03-01T09:20:00.000Z",
                                    "email": "ada@example.com", "plan": "team" } } },
                      { "event": "$set", "distinct_id": "8318",
                        "properties": {
                          "$set_once": { "$initial_browser": "Safari", "$initial_os": "iOS", "$initial_os_version": "17.3" },
                          "$set": { "joindate": "2024-03-01T10:00:01.000Z", "last_modified": "2024-03-01T10:00:01.000Z" } } } ]
                    """));
            assertThat(sent.get("heap_pageview")).containsExactlyInAnyOrderElementsOf(json("""
                    [ { "event": "$pageview", "distinct_id": "8317", "timestamp": "2024-03-01T09:15:02.123Z",
                        "properties": { "$browser": "Chrome", "$device_type": "Desktop", "$lib": "web", "$ip": "203.0.113.7",
                                        "$geoip_city_name": "San Francisco", "$geoip_country_name": "United States",
                                        "$geoip_subdivision_1_name": "California", "$current_url": "https://shop.example.com/",
                                        "$pathname": "/pricing", "$referrer": "https://www.google.com/", "$os": "Mac OS X",
                                        "$os_version": "10.15.7", "utm_source": "newsletter" } },
                      { "event": "$pageview", "distinct_id": "8318", "timestamp": "2024-03-01T10:00:05.480Z",
                        "properties": { "$browser": "Safari", "$device_type": "Mobile", "$lib": "web", "$ip": "198.51.100.23",
                                        "$geoip_city_name": "Berlin", "$geoip_country_name": "Germany",
                                        "$geoip_subdivision_1_name": "Berlin", "$current_url": "https://shop.example.com/",
                                        "$pathname": "/", "$os": "iOS", "$os_version": "17.3" } } ]
                    """));
            assertThat(sent.get("heap_my_cool_event")).as("custom properties pass through, numbers as numbers, empty ones left out")
                    .containsExactlyInAnyOrderElementsOf(json("""
                    [ { "event": "my_cool_event", "distinct_id": "8317", "timestamp": "2024-03-01T09:16:40.001Z",
                        "properties": { "$browser": "Chrome", "$device_type": "Desktop", "$lib": "web", "$pathname": "/checkout",
                                        "$os": "Mac OS X", "$os_version": "10.15.7", "plan": "team", "seats": 5 } },
                      { "event": "my_cool_event", "distinct_id": "8318", "timestamp": "2024-03-01T10:01:12.950Z",
                        "properties": { "$browser": "Safari", "$device_type": "Mobile", "$lib": "web", "$pathname": "/checkout",
                                        "$os": "iOS", "$os_version": "17.3" } } ]
                    """));
            assertThat(api.batches).isNotEmpty().allSatisfy(batch -> {
                assertThat(batch.path("api_key").asText()).isEqualTo("phc_test");
                assertThat(batch.path("historical_migration").asBoolean()).isTrue();
            });
            assertThat(api.uuids).as("one distinct uuid per event").hasSize(7).doesNotHaveDuplicates();

            assertThat(runSequence(engine)).as("nothing changed: nothing is sent again").allSatisfy((sync, events) -> assertThat(events).isEmpty());

            // One new event, one user's row changed in a column the aliases do not read.
            Files.writeString(export.resolve("pageview.csv"), PAGEVIEW_CSV + "4003,8318,79,2024-03-02 08:00:00.000 UTC,"
                    + "2024-03-02 07:59:00.000 UTC,web,iOS 17.3,Mobile,Safari,Germany,Berlin,Berlin,198.51.100.23,,https://shop.example.com/,/pricing,shop.example.com,\n");
            Files.writeString(export.resolve("users.csv"), USERS_CSV.replace("10:00:01.000,,,Safari", "10:00:01.000,,free,Safari"));
            Map<String, List<JsonNode>> third = runSequence(engine);
            assertThat(third.get("heap_aliases")).isEmpty();
            assertThat(third.get("heap_users")).singleElement().satisfies(person -> {
                assertThat(person.path("distinct_id").asText()).isEqualTo("8318");
                assertThat(person.path("properties").path("$set").path("plan").asText()).isEqualTo("free");
            });
            assertThat(third.get("heap_pageview")).extracting(e -> e.path("timestamp").asText()).containsExactly("2024-03-02T08:00:00.000Z");
            assertThat(third.get("heap_my_cool_event")).isEmpty();

            // A column added to the export is one the "*" pattern takes: the policy propagates it, so the persons go again.
            Files.writeString(export.resolve("users.csv"), USERS_CSV.replace(",full_initial_referrer\n", ",full_initial_referrer,company\n")
                    .replace("search?q=shop\n", "search?q=shop,Acme\n").replace(",,,,\n", ",,,,,\n").replace("10:00:01.000,,,Safari", "10:00:01.000,,free,Safari"));
            Map<String, List<JsonNode>> fourth = runSequence(engine);
            assertThat(fourth.get("heap_aliases")).isEmpty();
            assertThat(fourth.get("heap_users")).extracting(p -> p.path("properties").path("$set").path("company").asText(null))
                    .containsExactlyInAnyOrder("Acme", null);
        }
    }

    @Test
    void aDuckDbExportNamesEachPersonByItsIdentityAndAliasesOnlyIdentifiedUsers() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("export.duckdb")); Statement s = db.createStatement()) {
            s.execute("create table users (user_id bigint primary key, identity varchar, joindate timestamp, email varchar, plan varchar, "
                    + "initial_browser varchar, initial_platform varchar, full_initial_referrer varchar)");
            s.execute("insert into users values (8317, 'ada@example.com', '2024-02-11 18:02:44', 'ada@example.com', 'team', 'Chrome', "
                    + "'Mac OS X 10.15.7', 'https://www.google.com/search?q=shop'), (8318, null, '2024-03-01 10:00:01', null, '', 'Safari', 'iOS 17.3', null)");
            s.execute("create table pageview (event_id bigint primary key, user_id bigint, session_id bigint, time timestamp, platform varchar, path varchar)");
            s.execute("insert into pageview values (4001, 8317, 77, '2024-03-01 09:15:02.123', 'Mac OS X 10.15.7', '/pricing')");
        }

        try (SyncEngine engine = engine("export: { type: duckdb, path: export.duckdb }", "[pageview]")) {
            Map<String, List<JsonNode>> sent = runSequence(engine);

            assertThat(sent.get("heap_aliases")).containsExactlyInAnyOrderElementsOf(json("""
                    [ { "event": "$create_alias", "distinct_id": "ada@example.com",
                        "properties": { "distinct_id": "ada@example.com", "alias": "8317" } } ]
                    """));
            assertThat(sent.get("heap_users")).as("the query names a person by its identity; its key makes only the uuid")
                    .containsExactlyInAnyOrderElementsOf(json("""
                    [ { "event": "$set", "distinct_id": "ada@example.com",
                        "properties": {
                          "$set_once": { "$initial_browser": "Chrome", "$initial_os": "Mac OS X", "$initial_os_version": "10.15.7" },
                          "$set": { "joindate": "2024-02-11T18:02:44.000Z", "email": "ada@example.com", "plan": "team" } } },
                      { "event": "$set", "distinct_id": "8318",
                        "properties": {
                          "$set_once": { "$initial_browser": "Safari", "$initial_os": "iOS", "$initial_os_version": "17.3" },
                          "$set": { "joindate": "2024-03-01T10:00:01.000Z" } } } ]
                    """));
            assertThat(sent.get("heap_pageview")).containsExactlyInAnyOrderElementsOf(json("""
                    [ { "event": "$pageview", "distinct_id": "8317", "timestamp": "2024-03-01T09:15:02.123Z",
                        "properties": { "$pathname": "/pricing", "$os": "Mac OS X", "$os_version": "10.15.7" } } ]
                    """));
            assertThat(runSequence(engine)).allSatisfy((sync, events) -> assertThat(events).isEmpty());
        }
    }

    /** An engine over the workspace of docs/migration.md, with {@code export} as the export's connection. */
    private SyncEngine engine(String export, String eventTables) throws IOException {
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, """
                connections:
                  %s
                  posthog: { type: capture, url: "%s", api_key: "${POSTHOG_API_KEY}", historical_migration: true }
                migrations:
                  heap:
                    preset: analytics_export
                    source: export
                    destination: posthog
                    event_tables: %s
                    users_table: users
                """.formatted(export, api.url(), eventTables));
        ConnectorRegistry registry = ConnectorRegistry.load();
        return SyncEngine.builder().workspace(new WorkspaceLoader(registry, Map.of("POSTHOG_API_KEY", "phc_test")::get).load(file))
                .stateStore(StateStore.defaultSqlite(dir, Clock.systemUTC())).registry(registry).build();
    }

    /**
     * Runs the syncs of the migration's sequence in order, each after the previous one succeeded (as a server runs a
     * sequence), and returns what each sent: the events of its batches, without their uuids.
     */
    private Map<String, List<JsonNode>> runSequence(SyncEngine engine) {
        Map<String, List<JsonNode>> sent = new LinkedHashMap<>();
        for (String sync : engine.workspace().sequence("heap").syncs()) {
            RunRecord run = engine.run(sync, "manual", RunListener.NONE);
            assertThat(run.status()).as(sync + ": " + run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            sent.put(sync, api.takeEvents());
        }
        return sent;
    }

    private static List<JsonNode> json(String array) {
        try {
            List<JsonNode> events = new ArrayList<>();
            JSON.readTree(array).forEach(events::add);
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A capture API on 127.0.0.1: {@code POST /batch} answers 200 and keeps the request's body. */
    private static final class CaptureApi implements AutoCloseable {
        final List<JsonNode> batches = new CopyOnWriteArrayList<>();
        /** Every event's uuid, in the order received. */
        final List<UUID> uuids = new CopyOnWriteArrayList<>();
        private final List<JsonNode> unclaimed = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        CaptureApi() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

        /** The events received since the last call, each without its uuid (which {@link #uuids} keeps). */
        List<JsonNode> takeEvents() {
            List<JsonNode> events = new ArrayList<>(unclaimed);
            unclaimed.removeAll(events);
            return events;
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/batch")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                JsonNode batch = JSON.readTree(exchange.getRequestBody());
                batches.add(batch);
                for (JsonNode event : batch.path("batch")) {
                    ObjectNode copy = event.deepCopy();
                    uuids.add(UUID.fromString(copy.remove("uuid").asText()));
                    unclaimed.add(copy);
                }
                byte[] answer = "{\"status\":\"Ok\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        }

        @Override
        public void close() { server.stop(0); }
    }
}
