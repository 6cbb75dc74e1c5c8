package io.tidemark.engine.config;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.SyncType;
import io.tidemark.engine.ConnectorRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
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
        assertThat(sync.fieldMapping()).containsExactly(Map.entry("id", "person_id"), Map.entry("email", "email_address"));
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
            assertThat(e.getMessage()).contains("use mode mirror").contains("both map to field x").contains("only used by diff syncs");
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
}
