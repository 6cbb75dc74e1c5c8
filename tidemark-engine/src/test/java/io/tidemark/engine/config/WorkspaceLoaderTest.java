package io.tidemark.engine.config;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.SyncType;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.engine.mapping.MappedField;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceLoaderTest {
    private static final Path FILE = Path.of("/work/ws/tidemark.yaml");
    private static final String ISSUE_EXAMPLE = """
            connections:
              app:   { type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/app", user: app, password: "${APP_PG_PASSWORD}" }
              wh:    { type: duckdb, path: warehouse.duckdb }
              lite:  { type: sqlite, path: app.sqlite }
              files: { type: files, path: ./exports, format: csv }
            models:
              orders: { connection: app, table: public.orders, primary_key: [id] }
              big_orders: { connection: app, query: "select * from public.orders where total > 100", primary_key: [id] }
            syncs:
              orders_to_wh:
                model: orders
                destination: wh
                table: orders
                sync_type: incremental
                cursor_field: updated_at
                cursor_type: timestamp
                mode: upsert
            """;

    private final ConnectorRegistry registry = ConnectorRegistry.load();

    private WorkspaceConfig load(String yaml, Map<String, String> env) {
        return new WorkspaceLoader(registry, env::get).parse(FILE, yaml);
    }

    @Test
    void theDocumentedExampleLoads() {
        WorkspaceConfig ws = load(ISSUE_EXAMPLE, Map.of("APP_PG_PASSWORD", "s3cret"));

        assertThat(ws.connections()).containsOnlyKeys("app", "wh", "lite", "files");
        assertThat(ws.connection("app").config().require("password")).isEqualTo("s3cret");
        assertThat(ws.connection("wh").config().require("path")).isEqualTo("/work/ws/warehouse.duckdb");
        assertThat(ws.models().get("big_orders").spec().isQuery()).isTrue();
        SyncConfig sync = ws.sync("orders_to_wh");
        assertThat(sync.syncType()).isEqualTo(SyncType.INCREMENTAL);
        assertThat(sync.target()).isEqualTo(new StreamId(null, "orders"));
        assertThat(sync.primaryKey()).containsExactly("id");
        assertThat(sync.cursorType()).contains(CursorType.TIMESTAMP);
    }

    @Test
    void resolvedSecretsAreNeverPrinted() {
        WorkspaceConfig ws = load(ISSUE_EXAMPLE, Map.of("APP_PG_PASSWORD", "s3cret"));
        assertThat(ws.toString()).doesNotContain("s3cret");
        assertThat(ws.connection("app").toString()).doesNotContain("s3cret").contains("******");
    }

    @Test
    void everyErrorIsReportedAtOnceWithFileKeyPathAndFix() {
        String yaml = """
                connections:
                  app: { type: postgres, url: "jdbc:postgresql://x/app", password: "${MISSING_PASSWORD}", colour: blue }
                  wh:  { type: oracle }
                models:
                  orders: { connection: nowhere, table: public.orders }
                syncs:
                  s1: { model: orders, destination: wh, table: t, sync_type: incremental }
                  s2: { model: ghost, destination: app, table: t, sync_type: sideways, batch_size: 0 }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.errors()).extracting(ConfigError::keyPath).contains(
                            "connections.app.password", "connections.app.colour", "connections.wh.type",
                            "models.orders.connection", "syncs.s1.cursor_field", "syncs.s1.cursor_type",
                            "syncs.s1.primary_key", "syncs.s2.model", "syncs.s2.sync_type", "syncs.s2.batch_size");
                    assertThat(e.errors()).allSatisfy(err -> assertThat(err.file()).isEqualTo(FILE.toString()));
                    assertThat(e.getMessage()).contains("environment variable MISSING_PASSWORD is not set")
                            .contains("unknown connector type \"oracle\"").contains("required for sync_type incremental");
                });
    }

    @Test
    void destructiveCombinationsAreRefusedWithTheReason() {
        String yaml = """
                connections:
                  lite: { type: sqlite, path: a.sqlite }
                models:
                  m: { connection: lite, table: t }
                syncs:
                  a: { model: m, destination: lite, table: x, sync_type: incremental, cursor_field: u, cursor_type: date, primary_key: [id], mode: insert }
                  b: { model: m, destination: lite, table: y, sync_type: append, cursor_field: u, cursor_type: date, mode: upsert }
                  c: { model: m, destination: lite, table: z, sync_type: full_refresh, cursor_field: u, mode: upsert }
                  d: { model: m, destination: lite, table: w, sync_type: incremental, cursor_field: u, cursor_type: integer, primary_key: [id], cursor_lookback: 5min }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e ->
                assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("syncs.a.mode", "syncs.b.mode",
                        "syncs.b.primary_key", "syncs.c.cursor_field", "syncs.c.mode", "syncs.d.cursor_lookback"));
    }

    @Test
    void lookbackAcceptsDurationsAndNumbers() {
        String yaml = """
                connections:
                  lite: { type: sqlite, path: a.sqlite }
                models:
                  m: { connection: lite, table: t, primary_key: [id] }
                syncs:
                  a: { model: m, destination: lite, table: x, sync_type: incremental, cursor_field: u, cursor_type: timestamp, cursor_lookback: 5min }
                  b: { model: m, destination: lite, table: y, sync_type: incremental, cursor_field: n, cursor_type: integer, cursor_lookback: 100 }
                """;
        WorkspaceConfig ws = load(yaml, Map.of());
        assertThat(ws.sync("a").cursorLookback()).contains(new Lookback.Span(Duration.ofMinutes(5)));
        assertThat(ws.sync("b").cursorLookback()).contains(new Lookback.Amount(new java.math.BigDecimal("100")));
    }

    @Test
    void twoSyncsWritingOneTableAreRefused() {
        String yaml = """
                connections:
                  lite: { type: sqlite, path: a.sqlite }
                models:
                  m: { connection: lite, table: t, primary_key: [id] }
                syncs:
                  a: { model: m, destination: lite, table: copy }
                  b: { model: m, destination: lite, table: copy }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactly("syncs.b.table");
            assertThat(e.getMessage()).contains("already written by sync a");
        });
    }

    @Test
    void twoSyncsMaySendToOneObjectOfADestinationThatHoldsNoTables() {
        String yaml = """
                connections:
                  lite: { type: sqlite, path: a.sqlite }
                  posthog: { type: capture, url: "http://127.0.0.1:9/", api_key: phc_test }
                models:
                  signups: { connection: lite, table: signups, primary_key: [id] }
                  orders: { connection: lite, table: orders, primary_key: [id] }
                syncs:
                  a: { model: signups, destination: posthog, table: events, sync_type: diff, mode: insert,
                       field_mapping: { user_id: distinct_id, kind: event } }
                  b: { model: orders, destination: posthog, table: events, sync_type: diff, mode: insert,
                       field_mapping: { user_id: distinct_id, kind: event } }
                """;
        WorkspaceConfig ws = load(yaml, Map.of());
        assertThat(ws.sync("a").target()).isEqualTo(ws.sync("b").target());
    }

    @Test
    void aRepeatedKeyIsAnErrorNotLastOneWins() {
        String yaml = """
                connections:
                  lite: { type: sqlite, path: a.sqlite }
                  lite: { type: sqlite, path: b.sqlite }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("lite");
    }

    @Test
    void anAbsurdLookbackIsAConfigErrorNotACrash() {
        String yaml = """
                connections:
                  lite: { type: sqlite, path: a.sqlite }
                models:
                  m: { connection: lite, table: t, primary_key: [id] }
                syncs:
                  a: { model: m, destination: lite, table: x, sync_type: incremental, cursor_field: u, cursor_type: timestamp, cursor_lookback: 99999999999999999999min }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e ->
                assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactly("syncs.a.cursor_lookback"));
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertThatThrownBy(() -> load("connections:\n  a: [unclosed\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML").hasMessageContaining("line");
    }

    private static final String DIFF_BASE = """
            connections:
              lite: { type: sqlite, path: a.sqlite }
              crm:  { type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/crm", sync_logs: true }
            models:
              m: { connection: lite, query: "select id, email, name from people", primary_key: [id] }
              nokey: { connection: lite, table: people }
            syncs:
            """;

    @Test
    void aDiffSyncLoadsWithItsModeDeleteBehaviourMappingAndMatching() {
        WorkspaceConfig ws = load(DIFF_BASE + """
                  to_crm: { model: m, destination: crm, table: contacts, sync_type: diff, mode: mirror,
                            field_mapping: {id: person_id, email: email_address}, record_matching: {email: email_address} }
                """, Map.of());
        SyncConfig sync = ws.sync("to_crm");
        assertThat(sync.syncType()).isEqualTo(SyncType.DIFF);
        assertThat(sync.mode()).isEqualTo(ApplyMode.MIRROR);
        assertThat(sync.deleteBehavior()).as("mirror deletes by default").isEqualTo(DeleteBehavior.DELETE);
        assertThat(sync.fieldMapping().entries().values()).containsExactly(MappedField.rename("id", "person_id"), MappedField.rename("email", "email_address"));
        assertThat(sync.recordMatching()).containsExactly(Map.entry("email", "email_address"));
        assertThat(ws.connection("crm").syncLogs()).isTrue();
        assertThat(ws.connection("lite").syncLogs()).isFalse();
        assertThat(ws.connection("crm").config().get("sync_logs")).as("an engine setting, not the connector's").isEmpty();
    }

    @Test
    void diffSettingsThatCannotWorkAreAllReportedAtOnce() {
        String yaml = DIFF_BASE + """
                  a: { model: nokey, destination: crm, table: a, sync_type: diff }
                  b: { model: m, destination: crm, table: b, sync_type: diff, mode: upsert, delete_behavior: delete }
                  c: { model: m, destination: crm, table: c, sync_type: diff, field_mapping: {id: x, email: x} }
                  d: { model: m, destination: crm, table: d, sync_type: incremental, cursor_field: id, cursor_type: integer, delete_behavior: delete }
                  e: { model: m, destination: crm, table: e, sync_type: diff, mode: sideways }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("syncs.a.primary_key",
                    "syncs.b.delete_behavior", "syncs.c.field_mapping.email", "syncs.d.delete_behavior", "syncs.e.mode");
            assertThat(e.getMessage()).contains("use mode mirror").contains("destination field \"x\" is also written by id").contains("only used by diff syncs");
        });
    }

    @Test
    void fieldMappingTransformsLoadAsTypedEntries() {
        SyncConfig sync = load(DIFF_BASE + """
                  to_crm: { model: m, destination: crm, table: contacts, sync_type: diff, record_matching: {email: email},
                            field_mapping: { id: { field: person_id, drop_empty: true }, email: email,
                                             name: { split: name_version, fields: [first, last], group: $set },
                                             source: { constant: app } } }
                """, Map.of()).sync("to_crm");
        assertThat(sync.fieldMapping().toString()).isEqualTo("{id: {field: person_id, drop_empty: true}, email: email, "
                + "name: {split: name_version, fields: [first, last], group: $set}, source: {constant: app}}");
        assertThat(sync.fieldMapping().columns()).containsExactly("id", "email", "name");
    }

    @Test
    void fieldMappingMistakesAreReportedWithTheRestOfTheFile() {
        String yaml = DIFF_BASE + """
                  a: { model: m, destination: crm, table: a, sync_type: diff,
                       field_mapping: { id: id, email: { transform: iso8601, time_zone: Nowhere/Land }, name: { split: name_version } } }
                  b: { model: m, destination: crm, table: b, sync_type: diff, record_matching: { email: email },
                       field_mapping: { id: id, email: { map: { a: b } } } }
                  c: { model: m, destination: crm, table: c, sync_type: diff, field_mapping: { id: { field: id, group: g }, name: name } }
                  d: { model: m, destination: crm, table: d, sync_type: diff, mode: sideways, field_mapping: { label: { template: "{{name" } } }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("syncs.a.field_mapping.email.time_zone",
                    "syncs.a.field_mapping.name.fields", "syncs.b.field_mapping.email", "syncs.c.field_mapping.id", "syncs.d.mode",
                    "syncs.d.field_mapping.label.template");
            assertThat(e.errors()).filteredOn(error -> error.keyPath().equals("syncs.c.field_mapping.id")).singleElement()
                    .extracting(ConfigError::message).asString().startsWith("column id finds destination records")
                    .contains("map it as a plain rename (id: id)");
        });
    }

    private static final String CDC_BASE = """
            connections:
              app: { type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/app" }
              lite: { type: sqlite, path: a.sqlite }
              wh: { type: duckdb, path: wh.duckdb }
              out: { type: files, path: ./out, format: csv }
            models:
              orders: { connection: app, table: public.orders, primary_key: [id] }
              nokey: { connection: app, table: public.events }
              recent: { connection: app, query: "select * from public.orders", primary_key: [id] }
              local: { connection: lite, table: orders, primary_key: [id] }
            syncs:
            """;

    @Test
    void aCdcSyncLoadsWithItsTableModeAndSlotLagLimit() {
        WorkspaceConfig ws = load(CDC_BASE + """
                  a: { model: orders, destination: wh, table: orders, sync_type: cdc }
                  b: { model: orders, destination: wh, table: orders_log, sync_type: cdc, cdc_table_mode: both, max_slot_lag: 512MB }
                """, Map.of());
        assertThat(ws.sync("a").cdcTableMode()).isEqualTo(CdcTableMode.CONSOLIDATED);
        assertThat(ws.sync("a").maxCaptureLag()).isEqualTo(WorkspaceLoader.DEFAULT_MAX_SLOT_LAG);
        assertThat(ws.sync("b").cdcTableMode()).isEqualTo(CdcTableMode.BOTH);
        assertThat(ws.sync("b").maxCaptureLag()).isEqualTo(512L << 20);
    }

    @Test
    void cdcSettingsThatCannotWorkAreAllReportedAtOnce() {
        String yaml = CDC_BASE + """
                  b: { model: recent, destination: wh, table: b, sync_type: cdc }
                  c: { model: local, destination: wh, table: c, sync_type: cdc }
                  d: { model: orders, destination: out, table: d, sync_type: cdc }
                  e: { model: orders, destination: wh, table: e, sync_type: cdc, mode: upsert, max_slot_lag: lots }
                  f: { model: orders, destination: wh, table: f, sync_type: diff, cdc_table_mode: changelog }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("syncs.b.model",
                    "syncs.c.sync_type", "syncs.d.destination", "syncs.e.mode", "syncs.e.max_slot_lag", "syncs.f.cdc_table_mode");
            assertThat(e.getMessage()).contains("is a query").contains("no change log").contains("in one transaction").contains("512MB or 10GB").contains("only used by cdc syncs");
        });
    }

    @Test
    void schemaPolicyLoadsAsAMapOrOneActionWithDefaultsForKindsNotNamed() {
        WorkspaceConfig ws = load(CDC_BASE + """
                  a: { model: orders, destination: wh, table: a, sync_type: cdc }
                  b: { model: orders, destination: wh, table: b, sync_type: cdc, schema_policy: { column_added: ignore, type_changed: fail } }
                  c: { model: orders, destination: wh, table: c, sync_type: cdc, schema_policy: pause }
                """, Map.of());
        SchemaPolicy defaults = ws.sync("a").schemaPolicy();
        assertThat(defaults.action(SchemaChangeKind.COLUMN_ADDED)).isEqualTo(SchemaAction.PROPAGATE);
        assertThat(defaults.action(SchemaChangeKind.COLUMN_DROPPED)).isEqualTo(SchemaAction.PROPAGATE);
        assertThat(defaults.action(SchemaChangeKind.TYPE_WIDENED)).isEqualTo(SchemaAction.PROPAGATE);
        assertThat(defaults.action(SchemaChangeKind.TYPE_CHANGED)).isEqualTo(SchemaAction.PAUSE);
        assertThat(defaults.action(SchemaChangeKind.PRIMARY_KEY_CHANGED)).isEqualTo(SchemaAction.PAUSE);
        SchemaPolicy mapped = ws.sync("b").schemaPolicy();
        assertThat(mapped.action(SchemaChangeKind.COLUMN_ADDED)).isEqualTo(SchemaAction.IGNORE);
        assertThat(mapped.action(SchemaChangeKind.TYPE_CHANGED)).isEqualTo(SchemaAction.FAIL);
        assertThat(mapped.action(SchemaChangeKind.TYPE_WIDENED)).isEqualTo(SchemaAction.PROPAGATE);
        assertThat(ws.sync("c").schemaPolicy().actions().values()).containsOnly(SchemaAction.PAUSE);
    }

    @Test
    void schemaPolicyErrorsAreAllReportedAtOnceWithTheAllowedActions() {
        String yaml = CDC_BASE + """
                  a: { model: orders, destination: wh, table: a, sync_type: cdc, schema_policy: { type_changed: propagate, column_renamed: pause, column_added: sometimes } }
                  b: { model: orders, destination: wh, table: b, sync_type: cdc, schema_policy: ignore }
                  c: { model: orders, destination: wh, table: c, sync_type: cdc, schema_policy: [pause] }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("syncs.a.schema_policy.type_changed",
                    "syncs.a.schema_policy.column_renamed", "syncs.a.schema_policy.column_added", "syncs.b.schema_policy", "syncs.c.schema_policy");
            assertThat(message(e, "syncs.a.schema_policy.type_changed")).contains("resync").contains("use one of pause, fail");
            assertThat(message(e, "syncs.a.schema_policy.column_renamed")).contains("column_added, column_dropped, type_widened");
            assertThat(message(e, "syncs.a.schema_policy.column_added")).contains("propagate, ignore, pause, fail");
            assertThat(message(e, "syncs.b.schema_policy")).contains("type_widened and type_changed and primary_key_changed").contains("as a map");
        });
    }

    private static final String SCHEDULE_BASE = """
            connections:
              lite: { type: sqlite, path: a.sqlite }
            models:
              m: { connection: lite, table: t, primary_key: [id] }
            syncs:
            """;

    /** One sync per line of {@code schedules}, named s0, s1, …, each writing its own table. */
    private static String withSchedules(String... schedules) {
        StringBuilder yaml = new StringBuilder(SCHEDULE_BASE);
        for (int i = 0; i < schedules.length; i++) {
            yaml.append("  s").append(i).append(": { model: m, destination: lite, table: t").append(i)
                    .append(schedules[i].isEmpty() ? "" : ", schedule: " + schedules[i]).append(" }\n");
        }
        return yaml.toString();
    }

    @Test
    void everyScheduleFormLoads() {
        WorkspaceConfig ws = load(withSchedules("", "manual", "15min", "24hour", "30day",
                "{ cron: \"0 3 * * 1-5\", time_zone: Europe/Berlin }", "{ cron: \"30 0 3 * * mon-fri\" }",
                "{ daily: \"02:30\", time_zone: Europe/Berlin }", "{ weekly: \"mon 02:30\", time_zone: UTC }",
                "{ weekly: \"Sunday 23:05\", time_zone: America/New_York }", "{ after: s0 }"), Map.of());

        assertThat(ws.syncs().values()).extracting(SyncConfig::schedule).containsExactly(
                new Schedule.Manual(), new Schedule.Manual(), new Schedule.Interval(Duration.ofMinutes(15)),
                new Schedule.Interval(Duration.ofHours(24)), new Schedule.Interval(Duration.ofDays(30)),
                new Schedule.Cron("0 3 * * 1-5", ZoneId.of("Europe/Berlin")),
                new Schedule.Cron("30 0 3 * * mon-fri", ZoneId.of("UTC")),
                new Schedule.Daily(LocalTime.of(2, 30), ZoneId.of("Europe/Berlin")),
                new Schedule.Weekly(DayOfWeek.MONDAY, LocalTime.of(2, 30), ZoneId.of("UTC")),
                new Schedule.Weekly(DayOfWeek.SUNDAY, LocalTime.of(23, 5), ZoneId.of("America/New_York")),
                new Schedule.After("s0"));
        assertThat(ws.syncs().values()).extracting(s -> s.schedule().describe()).containsExactly("manual", "manual",
                "every 15min", "every 24hour", "every 30day", "cron 0 3 * * 1-5 (Europe/Berlin)", "cron 30 0 3 * * mon-fri (UTC)",
                "daily 02:30 Europe/Berlin", "weekly mon 02:30 UTC", "weekly sun 23:05 America/New_York", "after s0");
    }

    @Test
    void everyScheduleErrorIsReportedAtOnceWithItsFix() {
        String yaml = withSchedules("10min", "\"0 3 * * *\"", "{ cron: \"61 * * * *\" }", "{ cron: \"0 3 * *\" }",
                "{ cron: \"0 0 30 2 *\" }", "{ daily: \"02:30\" }", "{ weekly: \"mon 02:30\" }", "{ daily: \"25:00\", time_zone: UTC }",
                "{ weekly: \"someday 02:30\", time_zone: UTC }", "{ daily: \"02:30\", time_zone: Mars/Olympus_Mons }",
                "{ cron: \"* * * * *\", daily: \"02:30\" }", "{ after: ghost }", "{ after: s12 }", "{ after: s0, time_zone: UTC }",
                "{ every: 5min }", "[15min]");
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("syncs.s0.schedule", "syncs.s1.schedule",
                    "syncs.s2.schedule.cron", "syncs.s3.schedule.cron", "syncs.s4.schedule.cron", "syncs.s5.schedule.time_zone",
                    "syncs.s6.schedule.time_zone", "syncs.s7.schedule.daily", "syncs.s8.schedule.weekly", "syncs.s9.schedule.time_zone",
                    "syncs.s10.schedule", "syncs.s11.schedule.after", "syncs.s12.schedule.after", "syncs.s13.schedule.time_zone",
                    "syncs.s14.schedule.every", "syncs.s14.schedule", "syncs.s15.schedule");
            assertThat(message(e, "syncs.s0.schedule")).contains("unknown schedule \"10min\"")
                    .contains("1min, 5min, 15min, 30min, 1hour, 6hour, 12hour, 24hour, 7day, 30day");
            assertThat(message(e, "syncs.s1.schedule")).contains("{ cron: \"0 3 * * *\", time_zone: UTC }");
            assertThat(message(e, "syncs.s2.schedule.cron")).contains("61").contains("6 with leading seconds");
            assertThat(message(e, "syncs.s3.schedule.cron")).contains("expected 5 fields");
            assertThat(message(e, "syncs.s4.schedule.cron")).contains("never fires");
            assertThat(message(e, "syncs.s5.schedule.time_zone")).contains("required for a daily schedule");
            assertThat(message(e, "syncs.s6.schedule.time_zone")).contains("required for a weekly schedule");
            assertThat(message(e, "syncs.s7.schedule.daily")).contains("HH:MM");
            assertThat(message(e, "syncs.s8.schedule.weekly")).contains("mon, tue");
            assertThat(message(e, "syncs.s9.schedule.time_zone")).contains("unknown time zone \"Mars/Olympus_Mons\"");
            assertThat(message(e, "syncs.s10.schedule")).contains("set only one of cron, daily");
            assertThat(message(e, "syncs.s11.schedule.after")).contains("no sync named \"ghost\"");
            assertThat(message(e, "syncs.s12.schedule.after")).contains("cannot run after itself");
        });
    }

    private static String message(ConfigException e, String keyPath) {
        return e.errors().stream().filter(err -> err.keyPath().equals(keyPath)).map(ConfigError::message).findFirst().orElseThrow();
    }

    @Test
    void syncsThatWaitForEachOtherInACycleAreReportedOnceWithTheCycle() {
        String yaml = withSchedules("{ after: s1 }", "{ after: s2 }", "{ after: s0 }", "{ after: s0 }", "{ after: s3 }", "{ after: s5 }");
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("syncs.s0.schedule.after", "syncs.s5.schedule.after");
            assertThat(message(e, "syncs.s0.schedule.after")).contains("in a cycle (s0 → s1 → s2 → s0)");
            assertThat(message(e, "syncs.s5.schedule.after")).contains("cannot run after itself");
        });
    }

    @Test
    void aTimeOfDayMayBeWrittenWithoutQuotes() {
        WorkspaceConfig ws = load(withSchedules("{ daily: 02:30, time_zone: UTC }", "{ weekly: fri 17:45, time_zone: UTC }"), Map.of());
        assertThat(ws.sync("s0").schedule()).isEqualTo(new Schedule.Daily(LocalTime.of(2, 30), ZoneId.of("UTC")));
        assertThat(ws.sync("s1").schedule()).isEqualTo(new Schedule.Weekly(DayOfWeek.FRIDAY, LocalTime.of(17, 45), ZoneId.of("UTC")));
    }

    @Test
    void sequencesLoadInOrderWithTheirSchedules() {
        WorkspaceConfig ws = load(withSchedules("", "", "") + """
                sequences:
                  nightly: { syncs: [s2, s0, s1], schedule: { daily: "02:00", time_zone: UTC } }
                  adhoc: { syncs: [s1] }
                """, Map.of());
        assertThat(ws.sequences()).containsOnlyKeys("nightly", "adhoc");
        assertThat(ws.sequence("nightly")).isEqualTo(new SequenceConfig("nightly", List.of("s2", "s0", "s1"),
                new Schedule.Daily(LocalTime.of(2, 0), ZoneId.of("UTC"))));
        assertThat(ws.sequence("adhoc").schedule()).isEqualTo(new Schedule.Manual());
    }

    @Test
    void sequenceErrorsAreAllReportedAtOnce() {
        String yaml = withSchedules("", "") + """
                sequences:
                  empty: { syncs: [] }
                  missing: { schedule: 1hour }
                  ghosts: { syncs: [s0, ghost] }
                  twice: { syncs: [s0, s1, s0] }
                  waiting: { syncs: [s1], schedule: { after: s0 } }
                  odd: { syncs: [s0], colour: blue, schedule: 2hour }
                """;
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("sequences.empty.syncs",
                    "sequences.missing.syncs", "sequences.ghosts.syncs[1]", "sequences.twice.syncs[2]", "sequences.waiting.schedule.after",
                    "sequences.odd.colour", "sequences.odd.schedule");
            assertThat(message(e, "sequences.ghosts.syncs[1]")).contains("no sync named \"ghost\"");
            assertThat(message(e, "sequences.twice.syncs[2]")).contains("listed twice");
            assertThat(message(e, "sequences.waiting.schedule.after")).contains("list both in the sequence's syncs");
        });
    }

    @Test
    void notificationsLoadWithTheWebhookFromTheEnvironmentAndNeverShowItsToken() {
        WorkspaceConfig ws = load(withSchedules("") + """
                notifications: { webhook_url: "${HOOK_URL}", on_recovery: true }
                """, Map.of("HOOK_URL", "https://hooks.example.com/services/T0/B0/s3cret"));
        NotificationConfig n = ws.notifications().orElseThrow();
        assertThat(n.webhookUrl()).isEqualTo(URI.create("https://hooks.example.com/services/T0/B0/s3cret"));
        assertThat(n.onRecovery()).isTrue();
        assertThat(n.toString()).doesNotContain("s3cret").contains("https://hooks.example.com/…");
        assertThat(load(withSchedules("") + "notifications: { webhook_url: \"http://127.0.0.1:9000/\" }\n", Map.of())
                .notifications()).contains(new NotificationConfig(URI.create("http://127.0.0.1:9000/"), false));
        assertThat(load(withSchedules(""), Map.of()).notifications()).isEmpty();
    }

    @Test
    void notificationErrorsAreAllReportedAtOnce() {
        assertThatThrownBy(() -> load(withSchedules("") + """
                notifications: { webhook_url: "ftp://files.example.com/s3cret", on_recovery: sometimes, email: ops@example.com }
                """, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactlyInAnyOrder("notifications.webhook_url",
                    "notifications.on_recovery", "notifications.email");
            assertThat(message(e, "notifications.webhook_url")).contains("http or https").doesNotContain("s3cret");
        });
        assertThatThrownBy(() -> load(withSchedules("") + "notifications: { on_recovery: true }\n", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactly("notifications.webhook_url"));
    }

    @Test
    void aJsonTreeLoadsLikeTheYamlFileWithPathsRelativeToTheNamedFile() throws Exception {
        String json = """
                {"syncs": {"s0": {"table": "t0", "destination": "lite", "model": "m", "schedule": {"time_zone": "UTC", "daily": "02:30"}}},
                 "models": {"m": {"primary_key": ["id"], "table": "t", "connection": "lite"}},
                 "connections": {"lite": {"path": "a.sqlite", "type": "sqlite"}},
                 "sequences": {"nightly": {"syncs": ["s0"], "schedule": "1hour"}}}
                """;
        WorkspaceConfig fromTree = new WorkspaceLoader(registry, Map.<String, String>of()::get).parse(FILE, new ObjectMapper().readTree(json));
        WorkspaceConfig fromYaml = load(withSchedules("{ daily: \"02:30\", time_zone: UTC }") + """
                sequences:
                  nightly: { syncs: [s0], schedule: 1hour }
                """, Map.of());

        assertThat(fromTree).isEqualTo(fromYaml);
        assertThat(fromTree.connection("lite").config().require("path")).isEqualTo("/work/ws/a.sqlite");
        assertThatThrownBy(() -> new WorkspaceLoader(registry, Map.<String, String>of()::get).parse(FILE, new ObjectMapper().readTree("[1]")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactly("(top level)"));
    }
}
