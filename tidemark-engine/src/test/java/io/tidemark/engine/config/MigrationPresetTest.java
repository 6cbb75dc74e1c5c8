package io.tidemark.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.engine.mapping.ColumnPattern;
import io.tidemark.engine.mapping.FieldMapping;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code analytics_export} preset: the models, syncs and sequence a migration expands into (asserted on the
 * generated document, which is what {@code tidemark plan} and the workspace checks see), the SQL it runs on database
 * sources, and its errors as the workspace loader reports them.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class MigrationPresetTest {
    private static final Path FILE = Path.of("/work/ws/tidemark.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CONNECTIONS = """
            connections:
              export:  { type: files, path: export }
              wh:      { type: duckdb, path: export.duckdb }
              posthog: { type: capture, url: "https://us.i.posthog.com", api_key: "${POSTHOG_API_KEY}", historical_migration: true }
            """;
    /** The example of docs/migration.md. */
    private static final String HEAP = CONNECTIONS + """
            migrations:
              heap:
                preset: analytics_export
                source: export
                destination: posthog
                event_tables: [pageview, my_cool_event]
                users_table: users
            """;

    private final ConnectorRegistry registry = ConnectorRegistry.load();
    private final PostgresServer pg;

    MigrationPresetTest(PostgresServer pg) {
        this.pg = pg;
    }

    @Test
    void aFilesExportBecomesOneModelAndSyncPerTableAndASequenceInRunOrder() {
        JsonNode ws = expand(HEAP);

        assertThat(names(ws.path("models"))).containsExactly("heap_users", "heap_pageview", "heap_my_cool_event");
        assertThat(names(ws.path("syncs"))).containsExactly("heap_aliases", "heap_users", "heap_pageview", "heap_my_cool_event");
        assertThat(ws.path("models")).isEqualTo(tree("""
                heap_users:         { connection: export, table: users, primary_key: [user_id] }
                heap_pageview:      { connection: export, table: pageview, primary_key: [event_id] }
                heap_my_cool_event: { connection: export, table: my_cool_event, primary_key: [event_id] }
                """));
        assertThat(ws.path("syncs").path("heap_aliases")).isEqualTo(tree("""
                { model: heap_users, destination: posthog, table: aliases, sync_type: diff, mode: upsert,
                  field_mapping: { identity: distinct_id, user_id: alias } }
                """));
        assertThat(ws.path("syncs").path("heap_users")).isEqualTo(tree("""
                model: heap_users
                destination: posthog
                table: persons
                sync_type: diff
                mode: upsert
                field_mapping:
                  user_id: distinct_id
                  initial_browser:         { field: $initial_browser, group: $set_once, drop_empty: true, optional: true }
                  initial_browser_version: { field: $initial_browser_version, group: $set_once, drop_empty: true, optional: true }
                  initial_device_type:     { field: $initial_device_type, group: $set_once, drop_empty: true, optional: true }
                  initial_landing_page:    { field: $initial_current_url, group: $set_once, drop_empty: true, optional: true }
                  initial_path:            { field: $initial_pathname, group: $set_once, drop_empty: true, optional: true }
                  initial_referrer:        { field: $initial_referrer, group: $set_once, drop_empty: true, optional: true }
                  initial_city:            { field: $initial_geoip_city_name, group: $set_once, drop_empty: true, optional: true }
                  initial_country:         { field: $initial_geoip_country_name, group: $set_once, drop_empty: true, optional: true }
                  initial_region:          { field: $initial_geoip_subdivision_1_name, group: $set_once, drop_empty: true, optional: true }
                  initial_platform: { split: name_version, fields: [$initial_os, $initial_os_version], group: $set_once, drop_empty: true, optional: true }
                  joindate:      { field: joindate, transform: iso8601, time_zone: UTC, group: $set, drop_empty: true, optional: true }
                  last_modified: { field: last_modified, transform: iso8601, time_zone: UTC, group: $set, drop_empty: true, optional: true }
                  lastseen:      { field: lastseen, transform: iso8601, time_zone: UTC, group: $set, drop_empty: true, optional: true }
                  identity_time: { field: identity_time, transform: iso8601, time_zone: UTC, group: $set, drop_empty: true, optional: true }
                  "initial_*": { group: $set_once, drop_empty: true }
                  "*": { group: $set, drop_empty: true, except: [identity, id, full_initial_referrer] }
                """));
        assertThat(ws.path("syncs").path("heap_pageview")).isEqualTo(tree("""
                model: heap_pageview
                destination: posthog
                table: events
                sync_type: diff
                mode: insert
                field_mapping:
                  user_id: distinct_id
                  time: { field: timestamp, transform: iso8601, time_zone: UTC }
                  event: { constant: $pageview }
                  browser:         { field: $browser, drop_empty: true, optional: true }
                  browser_version: { field: $browser_version, drop_empty: true, optional: true }
                  device_type:     { field: $device_type, drop_empty: true, optional: true }
                  library:         { field: $lib, drop_empty: true, optional: true }
                  ip:              { field: $ip, drop_empty: true, optional: true }
                  city:            { field: $geoip_city_name, drop_empty: true, optional: true }
                  country:         { field: $geoip_country_name, drop_empty: true, optional: true }
                  region:          { field: $geoip_subdivision_1_name, drop_empty: true, optional: true }
                  landing_page:    { field: $current_url, drop_empty: true, optional: true }
                  path:            { field: $pathname, drop_empty: true, optional: true }
                  referrer:        { field: $referrer, drop_empty: true, optional: true }
                  platform: { split: name_version, fields: [$os, $os_version], drop_empty: true, optional: true }
                  "*": { drop_empty: true, except: [event_id, session_time, session_id, domain] }
                """));
        assertThat(ws.path("syncs").path("heap_my_cool_event").path("field_mapping").path("event").path("constant").asText())
                .as("an event is named after its table").isEqualTo("my_cool_event");
        assertThat(ws.path("sequences")).isEqualTo(tree("""
                heap: { syncs: [heap_aliases, heap_users, heap_pageview, heap_my_cool_event] }
                """));
        assertThat(ws.path("migrations")).as("the section stays as written").isEqualTo(tree(HEAP).path("migrations"));
    }

    @Test
    void theWorkspaceOfTheGuideLoadsWithItsGeneratedSyncsCheckedLikeHandWrittenOnes() {
        for (String source : List.of("export", "wh")) {
            WorkspaceConfig ws = load(HEAP.replace("source: export", "source: " + source));

            assertThat(ws.syncs().keySet()).containsExactlyInAnyOrder("heap_aliases", "heap_users", "heap_pageview", "heap_my_cool_event");
            assertThat(ws.sequence("heap").syncs()).containsExactly("heap_aliases", "heap_users", "heap_pageview", "heap_my_cool_event");
            assertThat(ws.sync("heap_pageview").target().name()).isEqualTo("events");
            assertThat(ws.sync("heap_my_cool_event").target().name()).as("two syncs send to one object").isEqualTo("events");

            FieldMapping persons = ws.sync("heap_users").fieldMapping();
            assertThat(persons.patterns()).containsExactly(
                    new ColumnPattern("initial_*", Optional.of("$set_once"), true, Set.of()),
                    new ColumnPattern("*", Optional.of("$set"), true, source.equals("wh")
                            ? Set.of("user_id", "identity", "id", "full_initial_referrer") : Set.of("identity", "id", "full_initial_referrer")));
            assertThat(persons.entries().get("initial_platform").destinationFields())
                    .containsExactly("$set_once.$initial_os", "$set_once.$initial_os_version");
            assertThat(persons.entries().get("joindate").optional()).isTrue();
            FieldMapping events = ws.sync("heap_pageview").fieldMapping();
            assertThat(events.patterns()).containsExactly(new ColumnPattern("*", Optional.empty(), true,
                    Set.of("event_id", "session_time", "session_id", "domain")));
            assertThat(events.reads("utm_source")).as("a custom property goes out as it is").isTrue();
            assertThat(events.reads("session_id")).isFalse();
        }
    }

    @Test
    void aSourceThatRunsSqlNamesEachPersonByItsIdentityAndAliasesOnlyIdentifiedUsers() {
        JsonNode ws = expand(HEAP.replace("source: export", "source: wh"));

        assertThat(ws.path("models").path("heap_users").path("query").asText()).isEqualTo(
                "select *, coalesce(nullif(cast(identity as varchar), ''), cast(user_id as varchar)) as distinct_id from users");
        assertThat(ws.path("models").path("heap_aliases").path("query").asText()).isEqualTo(
                "select user_id, identity from users where identity is not null and cast(identity as varchar) <> ''");
        assertThat(ws.path("syncs").path("heap_aliases").path("model").asText()).isEqualTo("heap_aliases");
        JsonNode persons = ws.path("syncs").path("heap_users").path("field_mapping");
        assertThat(persons.path("distinct_id").asText()).isEqualTo("distinct_id");
        assertThat(persons.path("*").path("except")).as("the key is sent as the record's key, not as a property")
                .isEqualTo(tree("[user_id, identity, id, full_initial_referrer]"));
    }

    @Test
    void theGeneratedQueriesRunOnPostgresAndDuckDb(@TempDir Path dir) throws Exception {
        JsonNode models = expand(HEAP.replace("source: export", "source: wh")).path("models");
        String database = pg.createDatabase("heap");
        try (Connection postgres = pg.connect(database);
             Connection duckdb = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("export.duckdb"))) {
            for (Connection db : List.of(postgres, duckdb)) {
                try (Statement s = db.createStatement()) {
                    // Heap's user_id is a 64-bit number and identity text: the SQL must reconcile the two types.
                    s.execute("create table users (user_id bigint primary key, identity varchar, email varchar)");
                    s.execute("insert into users values (8317, 'ada@example.com', 'ada@example.com'), (8318, null, null), (8319, '', null)");
                }
                assertThat(rows(db, models.path("heap_users").path("query").asText(), "user_id", "distinct_id"))
                        .containsExactlyInAnyOrder("8317 ada@example.com", "8318 8318", "8319 8319");
                assertThat(rows(db, models.path("heap_aliases").path("query").asText(), "user_id", "identity"))
                        .containsExactly("8317 ada@example.com");
            }
        }
    }

    @Test
    void eventNamesPropertyNamesOmitTimeZoneKeysAndScheduleShapeWhatIsGenerated() {
        JsonNode ws = expand(CONNECTIONS + """
                migrations:
                  heap:
                    preset: analytics_export
                    source: export
                    destination: posthog
                    event_tables: [pageviews, app.my_cool_event, signup]
                    users_table: users
                    user_key: id
                    event_key: heap_event_id
                    event_names: { signup: user signed up }
                    property_names: { browser: browser_name, plan: $plan, initial_utm_source: $initial_utm_source }
                    omit: [ip, initial_city, initial_utm_term, api_token]
                    time_zone: America/New_York
                    schedule: { daily: "02:00", time_zone: UTC }
                """);

        JsonNode events = ws.path("syncs");
        assertThat(names(events)).containsExactly("heap_aliases", "heap_users", "heap_pageviews", "heap_my_cool_event", "heap_signup");
        assertThat(ws.path("models").path("heap_my_cool_event").path("table").asText()).isEqualTo("app.my_cool_event");
        assertThat(ws.path("models").path("heap_my_cool_event").path("primary_key")).isEqualTo(tree("[heap_event_id]"));
        assertThat(events.path("heap_pageviews").path("field_mapping").path("event").path("constant").asText()).isEqualTo("$pageview");
        assertThat(events.path("heap_signup").path("field_mapping").path("event").path("constant").asText()).isEqualTo("user signed up");

        JsonNode event = events.path("heap_signup").path("field_mapping");
        assertThat(event.path("time").path("time_zone").asText()).isEqualTo("America/New_York");
        assertThat(event.path("browser")).as("a rename replaces the built-in one")
                .isEqualTo(tree("{ field: browser_name, drop_empty: true, optional: true }"));
        assertThat(event.path("plan")).isEqualTo(tree("{ field: $plan, drop_empty: true, optional: true }"));
        assertThat(event.has("ip")).as("an omitted built-in is not mapped").isFalse();
        assertThat(event.path("*").path("except"))
                .isEqualTo(tree("[heap_event_id, session_time, session_id, domain, ip, initial_city, initial_utm_term, api_token]"));

        JsonNode person = events.path("heap_users").path("field_mapping");
        assertThat(ws.path("models").path("heap_users").path("primary_key")).isEqualTo(tree("[id]"));
        assertThat(person.path("id").asText()).isEqualTo("distinct_id");
        assertThat(person.path("joindate").path("time_zone").asText()).isEqualTo("America/New_York");
        assertThat(person.path("initial_utm_source"))
                .isEqualTo(tree("{ field: $initial_utm_source, group: $set_once, drop_empty: true, optional: true }"));
        assertThat(person.path("plan")).isEqualTo(tree("{ field: $plan, group: $set, drop_empty: true, optional: true }"));
        assertThat(person.has("initial_city")).isFalse();
        assertThat(person.path("initial_*").path("except")).as("left-out columns go to the first pattern that covers them")
                .isEqualTo(tree("[initial_city, initial_utm_term]"));
        assertThat(person.path("*").path("except")).isEqualTo(tree("[identity, full_initial_referrer, ip, api_token]"));
        assertThat(events.path("heap_aliases").path("field_mapping")).isEqualTo(tree("{ identity: distinct_id, id: alias }"));

        assertThat(ws.path("sequences").path("heap").path("schedule")).isEqualTo(tree("{ daily: \"02:00\", time_zone: UTC }"));
    }

    @Test
    void withoutAUsersTableOnlyTheEventsAreSent() {
        JsonNode ws = expand(HEAP.replace("    users_table: users\n", ""));

        assertThat(names(ws.path("models"))).containsExactly("heap_pageview", "heap_my_cool_event");
        assertThat(names(ws.path("syncs"))).containsExactly("heap_pageview", "heap_my_cool_event");
        assertThat(ws.path("sequences").path("heap").path("syncs")).isEqualTo(tree("[heap_pageview, heap_my_cool_event]"));
    }

    @Test
    void everyMistakeInAMigrationIsReportedAtOnceWithItsPath() {
        String yaml = CONNECTIONS + """
                migrations:
                  broken:
                    preset: analytics_exprt
                    source: heap_export
                    destination: wh
                    event_tables: []
                    time_zone: Mars/Olympus
                    colour: blue
                  unsure:
                    source: export
                    destination: posthog
                    event_tables: [pageview, "bad table", pageview]
                    users_table: users
                    event_names: { signup: signed up }
                    property_names: { user_id: uid, identity: who, my_prop: "", plan: $plan }
                    omit: [time, plan]
                """;
        assertThatThrownBy(() -> load(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(migrationErrors(e)).containsExactlyInAnyOrder(
                    "migrations.broken.colour", "migrations.broken.preset", "migrations.broken.source", "migrations.broken.destination",
                    "migrations.broken.event_tables", "migrations.broken.time_zone",
                    "migrations.unsure.preset", "migrations.unsure.event_tables[1]", "migrations.unsure.event_tables[2]",
                    "migrations.unsure.event_names.signup", "migrations.unsure.property_names.user_id",
                    "migrations.unsure.property_names.identity", "migrations.unsure.property_names.my_prop",
                    "migrations.unsure.omit[0]", "migrations.unsure.omit[1]");
            assertThat(e.getMessage())
                    .contains("migrations.broken.preset: unknown preset \"analytics_exprt\"; the one preset is analytics_export")
                    .contains("migrations.broken.source: no connection named \"heap_export\"; defined: export, wh, posthog")
                    .contains("migrations.broken.destination: connection wh is a duckdb connection; the analytics_export preset sends "
                            + "to a capture connection")
                    .contains("migrations.broken.event_tables: expected a non-empty list of the export's event tables")
                    .contains("migrations.broken.time_zone: unknown time zone \"Mars/Olympus\"")
                    .contains("migrations.unsure.preset: required; set it to analytics_export")
                    .contains("migrations.unsure.event_tables[2]: table pageview is listed twice")
                    .contains("migrations.unsure.event_names.signup: not one of event_tables (pageview)")
                    .contains("migrations.unsure.property_names.user_id: user_id is the events' distinct_id, which the preset maps "
                            + "itself; it cannot be renamed")
                    .contains("migrations.unsure.omit[0]: time is the events' timestamp, which the preset needs; it cannot be left out")
                    .contains("migrations.unsure.omit[1]: plan is also renamed in property_names");
            assertThat(e.errors()).extracting(ConfigError::keyPath).as("a migration with mistakes generates nothing")
                    .noneMatch(path -> path.startsWith("models.") || path.startsWith("syncs.") || path.startsWith("sequences."));
        });
    }

    @Test
    void aGeneratedNameAlsoDefinedByHandOrByAnotherMigrationOrTableIsRefused() {
        String yaml = CONNECTIONS + """
                models:
                  m: { connection: export, table: orders, primary_key: [id] }
                syncs:
                  web_pageview: { model: m, destination: wh, table: orders }
                sequences:
                  web: { syncs: [web_pageview] }
                migrations:
                  heap:
                    preset: analytics_export
                    source: export
                    destination: posthog
                    event_tables: [my_cool_event]
                  heap_my:
                    preset: analytics_export
                    source: export
                    destination: posthog
                    event_tables: [cool_event]
                  web:
                    preset: analytics_export
                    source: export
                    destination: posthog
                    event_tables: [pageview]
                  app:
                    preset: analytics_export
                    source: export
                    destination: posthog
                    event_tables: [a.signup, b.signup, users]
                    users_table: users
                """;
        assertThatThrownBy(() -> load(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(migrationErrors(e)).containsExactlyInAnyOrder(
                    "migrations.heap_my.event_tables[0]", "migrations.heap_my.event_tables[0]",  // its model and its sync
                    "migrations.web.event_tables[0]", "migrations.web",
                    "migrations.app.event_tables[1]", "migrations.app.event_tables[1]",
                    "migrations.app.event_tables[2]", "migrations.app.event_tables[2]");
            assertThat(e.getMessage())
                    .contains("migrations.heap_my.event_tables[0]: the migration makes sync heap_my_cool_event, which "
                            + "migrations.heap.event_tables[0] makes too")
                    .contains("migrations.web.event_tables[0]: the migration makes sync web_pageview, which syncs.web_pageview already defines")
                    .contains("migrations.web: the migration makes sequence web, which sequences.web already defines")
                    .contains("migrations.app.event_tables[2]: the migration makes model app_users, which migrations.app.users_table makes too");
        });
    }

    @Test
    void anErrorInAGeneratedEntryNamesTheMigrationThatMadeIt() {
        String yaml = HEAP + "    schedule: { cron: \"not a cron\" }\n";
        assertThatThrownBy(() -> load(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).filteredOn(err -> err.keyPath().startsWith("sequences.heap.schedule")).singleElement()
                    .satisfies(err -> assertThat(err.message()).endsWith("(generated by migrations.heap)"));
            assertThat(e.errors()).extracting(ConfigError::keyPath).as("migrations is a known top-level key")
                    .noneMatch(path -> path.equals("migrations"));
        });
    }

    /** The document after expansion; the test fails on any error. */
    private JsonNode expand(String yaml) {
        List<String> errors = new ArrayList<>();
        JsonNode ws = MigrationPreset.expand(tree(yaml), registry, (path, message) -> errors.add(path + ": " + message)).workspace();
        assertThat(errors).isEmpty();
        return ws;
    }

    private static JsonNode tree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("not valid YAML in the test: " + e.getOriginalMessage(), e);
        }
    }

    private WorkspaceConfig load(String yaml) {
        return new WorkspaceLoader(registry, Map.of("POSTHOG_API_KEY", "phc_test")::get).parse(FILE, yaml);
    }

    private static List<String> migrationErrors(ConfigException e) {
        return e.errors().stream().map(ConfigError::keyPath).filter(p -> p.startsWith("migrations")).toList();
    }

    private static List<String> names(JsonNode section) {
        List<String> names = new ArrayList<>();
        section.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> rows(Connection db, String query, String first, String second) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) rows.add(rs.getString(first) + " " + rs.getString(second));
        }
        return rows;
    }
}
