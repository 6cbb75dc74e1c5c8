package io.tidemark.engine.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.engine.config.WorkspacePlan.Action;
import io.tidemark.engine.config.WorkspacePlan.Entry;
import io.tidemark.engine.config.WorkspacePlan.Kind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class WorkspacePlanTest {
    private static final ConnectorRegistry REGISTRY = ConnectorRegistry.load();
    private static final Path FILE = Path.of("/ws/tidemark.yaml");
    private static final String CURRENT = """
            connections:
              app: { type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/app", user: app, password: "${PG_PASSWORD}" }
              wh:  { type: duckdb, path: wh.duckdb }
              old: { type: sqlite, path: old.sqlite }
            models:
              orders: { connection: app, table: public.orders, primary_key: [id] }
              customers: { connection: app, table: public.customers, primary_key: [id] }
            syncs:
              orders_to_wh: { model: orders, destination: wh, table: orders, sync_type: incremental, cursor_field: updated_at,
                              cursor_type: timestamp, schedule: 15min }
              customers_to_wh: { model: customers, destination: wh, table: customers, schedule: { after: orders_to_wh } }
              legacy: { model: customers, destination: old, table: customers }
            sequences:
              nightly: { syncs: [orders_to_wh, customers_to_wh], schedule: { daily: "02:00", time_zone: UTC } }
              weekly: { syncs: [legacy] }
            notifications: { webhook_url: "https://hooks.example.com/services/T0/old-token" }
            """;

    private static WorkspaceConfig load(String yaml, String password) {
        return new WorkspaceLoader(REGISTRY, Map.of("PG_PASSWORD", password)::get).parse(FILE, yaml);
    }

    @Test
    void theSameWorkspacePlansNothing() {
        WorkspacePlan plan = WorkspacePlan.between(load(CURRENT, "pw"), load(CURRENT, "pw"));
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.destructive()).isFalse();
    }

    @Test
    void keyOrderFormattingAndSpelledOutDefaultsPlanNothing() throws Exception {
        String reordered = """
                notifications:
                  on_recovery: false
                  webhook_url: https://hooks.example.com/services/T0/old-token
                sequences:
                  weekly: { schedule: manual, syncs: [legacy] }
                  nightly:
                    schedule: { time_zone: UTC, daily: "2:00" }
                    syncs:
                      - orders_to_wh
                      - customers_to_wh
                syncs:
                  legacy: { table: customers, destination: old, model: customers, sync_type: full_refresh, enabled: true }
                  customers_to_wh: { schedule: { after: orders_to_wh }, table: customers, model: customers, destination: wh, batch_size: 10000 }
                  orders_to_wh:
                    schedule: 15min
                    cursor_type: timestamp
                    cursor_field: updated_at
                    sync_type: incremental
                    mode: upsert
                    table: orders
                    destination: wh
                    model: orders
                models:
                  customers: { primary_key: id, table: public.customers, connection: app }
                  orders: { table: public.orders, connection: app, primary_key: [id] }
                connections:
                  old: { path: ./old.sqlite, type: sqlite }
                  wh:  { type: duckdb, path: wh.duckdb }
                  app: { password: "${PG_PASSWORD}", user: app, type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/app" }
                """;
        assertThat(WorkspacePlan.between(load(CURRENT, "pw"), load(reordered, "pw")).entries()).isEmpty();

        // The same workspace as a JSON tree, as the server stores it.
        String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(CURRENT));
        WorkspaceConfig fromJson = new WorkspaceLoader(REGISTRY, Map.of("PG_PASSWORD", "pw")::get).parse(FILE, new ObjectMapper().readTree(json));
        assertThat(WorkspacePlan.between(load(CURRENT, "pw"), fromJson).isEmpty()).isTrue();
    }

    @Test
    void eachKindOfChangeIsPlannedInDependencyOrder() {
        String proposed = """
                connections:
                  app: { type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/app", user: app, password: "${PG_PASSWORD}" }
                  wh:  { type: duckdb, path: warehouse.duckdb }
                  crm: { type: sqlite, path: crm.sqlite }
                models:
                  orders: { connection: app, query: "select * from public.orders where not test", primary_key: [id] }
                  customers: { connection: app, table: public.customers, primary_key: [id] }
                syncs:
                  orders_to_wh: { model: orders, destination: wh, table: orders, sync_type: incremental, cursor_field: modified_at,
                                  cursor_type: timestamp, schedule: 1hour }
                  customers_to_wh: { model: customers, destination: wh, table: customers, schedule: { after: orders_to_wh } }
                  customers_to_crm: { model: customers, destination: crm, table: customers }
                sequences:
                  nightly: { syncs: [customers_to_wh, orders_to_wh], schedule: { daily: "03:00", time_zone: UTC } }
                  hourly: { syncs: [customers_to_crm], schedule: 1hour }
                notifications: { webhook_url: "https://hooks.example.com/services/T0/new-token", on_recovery: true }
                """;
        WorkspacePlan plan = WorkspacePlan.between(load(CURRENT, "old-secret"), load(proposed, "new-secret"));

        assertThat(plan.entries()).extracting(Entry::kind, Entry::name, Entry::action, Entry::destructive).containsExactly(
                tuple(Kind.CONNECTION, "app", Action.CHANGE, false),
                tuple(Kind.CONNECTION, "wh", Action.CHANGE, false),
                tuple(Kind.CONNECTION, "crm", Action.CREATE, false),
                tuple(Kind.CONNECTION, "old", Action.DELETE, false),
                tuple(Kind.MODEL, "orders", Action.CHANGE, false),
                tuple(Kind.SYNC, "orders_to_wh", Action.CHANGE, true),
                tuple(Kind.SYNC, "customers_to_crm", Action.CREATE, false),
                tuple(Kind.SYNC, "legacy", Action.DELETE, true),
                tuple(Kind.SEQUENCE, "nightly", Action.CHANGE, false),
                tuple(Kind.SEQUENCE, "hourly", Action.CREATE, false),
                tuple(Kind.SEQUENCE, "weekly", Action.DELETE, false),
                tuple(Kind.NOTIFICATIONS, "notifications", Action.CHANGE, false));
        assertThat(plan.destructive()).isTrue();

        assertThat(entry(plan, "app").changes()).as("a secret is compared, never shown")
                .containsExactly(new SettingChange("password", SettingChange.REDACTED, SettingChange.REDACTED, false,
                        "takes effect on the next run of each sync using this connection"));
        assertThat(entry(plan, "wh").changes()).extracting(SettingChange::setting, SettingChange::before, SettingChange::after)
                .containsExactly(tuple("path", "/ws/wh.duckdb", "/ws/warehouse.duckdb"));
        assertThat(entry(plan, "orders").changes()).extracting(SettingChange::setting, SettingChange::before, SettingChange::after)
                .containsExactly(tuple("table", "public.orders", null), tuple("query", null, "select * from public.orders where not test"));
        assertThat(entry(plan, "orders_to_wh").changes()).extracting(SettingChange::setting, SettingChange::destructive)
                .containsExactly(tuple("cursor_field", true), tuple("schedule", false));
        assertThat(entry(plan, "legacy").changes()).singleElement().satisfies(c ->
                assertThat(c.reason()).contains("destination data stays").contains("history"));
        assertThat(entry(plan, "nightly").changes()).extracting(SettingChange::setting, SettingChange::before, SettingChange::after)
                .containsExactly(tuple("syncs", "[orders_to_wh, customers_to_wh]", "[customers_to_wh, orders_to_wh]"),
                        tuple("schedule", "daily 02:00 UTC", "daily 03:00 UTC"));
        assertThat(entry(plan, "notifications").changes()).extracting(SettingChange::setting, SettingChange::before, SettingChange::after)
                .containsExactly(tuple("webhook_url", "https://hooks.example.com/…", "https://hooks.example.com/…"),
                        tuple("on_recovery", "false", "true"));
        assertThat(plan.toString()).doesNotContain("old-secret", "new-secret", "old-token", "new-token");
    }

    @Test
    void addingAndRemovingNotificationsArePlanned() {
        String without = CURRENT.substring(0, CURRENT.indexOf("notifications:"));
        assertThat(WorkspacePlan.between(load(without, "pw"), load(CURRENT, "pw")).entries())
                .containsExactly(new Entry(Kind.NOTIFICATIONS, "notifications", Action.CREATE, java.util.List.of()));
        assertThat(WorkspacePlan.between(load(CURRENT, "pw"), load(without, "pw")).entries())
                .containsExactly(new Entry(Kind.NOTIFICATIONS, "notifications", Action.DELETE, java.util.List.of()));
    }

    private static Entry entry(WorkspacePlan plan, String name) {
        return plan.entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }
}
