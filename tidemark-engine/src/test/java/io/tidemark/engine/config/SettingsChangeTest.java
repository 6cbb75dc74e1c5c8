package io.tidemark.engine.config;

import io.tidemark.engine.ConnectorRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class SettingsChangeTest {
    private static final ConnectorRegistry REGISTRY = ConnectorRegistry.load();
    private static final String INCREMENTAL = "model: orders, destination: wh, table: orders, sync_type: incremental, "
            + "cursor_field: updated_at, cursor_type: timestamp";
    private static final String DIFF = "model: contacts, destination: wh, table: contacts, sync_type: diff";
    private static final String CDC = "model: pg_orders, destination: wh, table: orders, sync_type: cdc";

    /** Sync {@code s} with {@code settings}, in a workspace with a SQLite app, a Postgres app and a DuckDB warehouse. */
    private static SyncConfig sync(String settings) {
        String yaml = """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  pg:  { type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/app" }
                  wh:  { type: duckdb, path: wh.duckdb }
                  wh2: { type: duckdb, path: wh2.duckdb }
                models:
                  orders: { connection: app, table: orders, primary_key: [id] }
                  orders_v2: { connection: app, table: orders_v2, primary_key: [id] }
                  contacts: { connection: app, table: contacts, primary_key: [id] }
                  pg_orders: { connection: pg, table: public.orders, primary_key: [id] }
                syncs:
                  s: { %s }
                """.formatted(settings);
        return new WorkspaceLoader(REGISTRY, Map.<String, String>of()::get).parse(Path.of("/ws/tidemark.yaml"), yaml).sync("s");
    }

    private static List<SettingChange> between(String before, String after) {
        return SettingsChange.between(sync(before), sync(after));
    }

    @Test
    void theSameSettingsWrittenDifferentlyChangeNothing() {
        assertThat(between(INCREMENTAL, INCREMENTAL + ", mode: upsert, enabled: true, schedule: manual, batch_size: 10000")).isEmpty();
        assertThat(between(DIFF + ", field_mapping: {id: Id, email: Email}", DIFF + ", field_mapping: {email: Email, id: Id}")).isEmpty();
    }

    @Test
    void aNewSchemaPolicyIsNotDestructiveAndShowsEveryKindsAction() {
        assertThat(between(INCREMENTAL, INCREMENTAL + ", schema_policy: {column_added: propagate}")).as("the default written out").isEmpty();
        assertThat(between(INCREMENTAL, INCREMENTAL + ", schema_policy: {column_added: ignore}"))
                .containsExactly(new SettingChange("schema_policy",
                        "{column_added: propagate, column_dropped: propagate, type_widened: propagate, type_changed: pause, primary_key_changed: pause}",
                        "{column_added: ignore, column_dropped: propagate, type_widened: propagate, type_changed: pause, primary_key_changed: pause}",
                        false, "applies to the schema changes the next run meets; changes already applied stay"));
    }

    @Test
    void aNewCursorIsDestructiveAndSaysWhatTheCheckpointHolds() {
        assertThat(between(INCREMENTAL, INCREMENTAL.replace("updated_at", "modified_at")))
                .containsExactly(new SettingChange("cursor_field", "updated_at", "modified_at", true,
                        "the checkpoint holds a cursor on updated_at; a resync re-reads everything with the new cursor"));
        assertThat(between(INCREMENTAL, INCREMENTAL.replace("timestamp", "date")))
                .extracting(SettingChange::setting, SettingChange::before, SettingChange::after, SettingChange::destructive)
                .containsExactly(tuple("cursor_type", "timestamp", "date", true));
    }

    @Test
    void whereTheDataGoesAndWhatIdentifiesItAreDestructive() {
        assertThat(between(INCREMENTAL, INCREMENTAL.replace("model: orders", "model: orders_v2").replace("wh, table: orders", "wh2, table: sales")
                + ", primary_key: [id, region]"))
                .extracting(SettingChange::setting, SettingChange::before, SettingChange::after, SettingChange::destructive)
                .containsExactly(tuple("model", "orders", "orders_v2", true), tuple("destination", "wh", "wh2", true),
                        tuple("table", "orders", "sales", true), tuple("primary_key", "[id]", "[id, region]", true));
    }

    @Test
    void changingTheSyncTypeIsDestructiveAndNamesWhatNoLongerFits() {
        List<SettingChange> toAppend = between(INCREMENTAL, INCREMENTAL.replace("incremental", "append"));
        assertThat(toAppend).as("append inserts by default").extracting(SettingChange::setting, SettingChange::after, SettingChange::destructive)
                .containsExactly(tuple("sync_type", "append", true), tuple("mode", "insert", false));
        assertThat(toAppend.getFirst().reason()).contains("a cursor on updated_at").contains("every row version").contains("resync");

        List<SettingChange> fromCdc = between(CDC, CDC.replace("cdc", "full_refresh"));
        assertThat(fromCdc).extracting(SettingChange::setting, SettingChange::before, SettingChange::after, SettingChange::destructive)
                .containsExactly(tuple("sync_type", "cdc", "full_refresh", true));
        assertThat(fromCdc.getFirst().reason()).contains("replication slot");

        assertThat(between("model: orders, destination: wh, table: orders", INCREMENTAL))
                .extracting(SettingChange::setting, SettingChange::destructive)
                .containsExactly(tuple("sync_type", true), tuple("cursor_field", true), tuple("cursor_type", true));
    }

    @Test
    void schedulingAndTuningTakeEffectOnTheNextRun() {
        List<SettingChange> changes = between(INCREMENTAL, INCREMENTAL + ", schedule: 15min, enabled: false, batch_size: 500, cursor_lookback: 5min");
        assertThat(changes).extracting(SettingChange::setting, SettingChange::before, SettingChange::after, SettingChange::destructive)
                .containsExactlyInAnyOrder(tuple("schedule", "manual", "every 15min", false), tuple("enabled", "true", "false", false),
                        tuple("batch_size", "10000", "500", false), tuple("cursor_lookback", null, "5min", false));
        assertThat(changes).allSatisfy(c -> assertThat(c.reason()).isNotBlank());
    }

    @Test
    void howADiffSyncAppliesChangesIsNotDestructive() {
        List<SettingChange> changes = between(DIFF + ", mode: upsert", DIFF + ", mode: mirror, delete_behavior: soft_delete, field_mapping: {id: id, email: Email}");
        assertThat(changes).extracting(SettingChange::setting, SettingChange::after, SettingChange::destructive).containsExactlyInAnyOrder(
                tuple("mode", "mirror", false), tuple("delete_behavior", "soft_delete", false), tuple("field_mapping", "{id: id, email: Email}", false));
    }

    @Test
    void aNewTransformIsNotDestructiveAndReachesRecordsAlreadySentOnlyWithTheirRowOrAResync() {
        List<SettingChange> transform = between(DIFF + ", field_mapping: {id: id, email: Email}",
                DIFF + ", field_mapping: {id: id, email: {field: Email, map: {a: b}}, source: {constant: app}}");
        assertThat(transform).extracting(SettingChange::setting, SettingChange::before, SettingChange::after, SettingChange::destructive)
                .containsExactly(tuple("field_mapping", "{id: id, email: Email}", "{id: id, email: {field: Email, map: {a: b}}, source: {constant: app}}", false));
        assertThat(transform.getFirst().reason()).contains("records already sent keep their fields until their row changes")
                .contains("`tidemark resync s` sends every row again");

        assertThat(between(DIFF + ", field_mapping: {id: id, email: Email}", DIFF + ", field_mapping: {id: id, email: Email, label: {template: \"{{name}}\"}}"))
                .singleElement().extracting(SettingChange::reason).asString().contains("every row is sent as changed");
        assertThat(between(DIFF + ", field_mapping: {id: id, t: {transform: iso8601}}", DIFF + ", field_mapping: {id: id, t: {transform: iso8601, time_zone: UTC}}"))
                .as("the default time zone written out").isEmpty();
    }

    @Test
    void aPatternThatMayTakeOtherColumnsSaysSoAndOneThatSendsTheSameColumnsDifferentlyDoesNot() {
        String before = DIFF + ", field_mapping: {id: id, \"*\": {group: $set, except: [secret]}}";
        assertThat(between(before, DIFF + ", field_mapping: {id: id, \"*\": {group: $set, except: [secret, token]}}"))
                .singleElement().satisfies(c -> {
                    assertThat(c.destructive()).isFalse();
                    assertThat(c.after()).isEqualTo("{id: id, \"*\": {group: $set, except: [secret, token]}}");
                    assertThat(c.reason()).contains("the patterns take other model columns").contains("every row is sent as changed");
                });
        assertThat(between(before, DIFF + ", field_mapping: {id: id, \"*\": {group: $set_once, drop_empty: true, except: [secret]}}"))
                .singleElement().extracting(SettingChange::reason).asString().contains("records already sent keep their fields");
        assertThat(between(before, DIFF + ", field_mapping: {id: id, \"a_*\": {}, \"*\": {group: $set, except: [secret]}}"))
                .singleElement().extracting(SettingChange::reason).asString().contains("the patterns take other model columns");
        assertThat(between(DIFF + ", field_mapping: {id: id, \"a_*\": {}, \"b_*\": {}}", DIFF + ", field_mapping: {id: id, \"b_*\": {}, \"a_*\": {}}"))
                .as("the first pattern that matches takes a column, so their order counts").hasSize(1);
    }

    @Test
    void changingHowADiffSyncFindsDestinationRecordsIsDestructive() {
        List<SettingChange> matching = between(DIFF, DIFF + ", record_matching: {email: Email}");
        assertThat(matching).extracting(SettingChange::setting, SettingChange::destructive).containsExactly(tuple("record_matching", true));
        assertThat(matching.getFirst().reason()).contains("reset tracking").contains("resync");

        assertThat(between(DIFF, DIFF + ", field_mapping: {id: person_id, email: email}"))
                .as("renaming the key's field moves the matching").extracting(SettingChange::setting, SettingChange::destructive)
                .containsExactly(tuple("field_mapping", true));
        assertThat(between(DIFF, DIFF + ", record_matching: {id: id}")).as("the same matching, written out")
                .extracting(SettingChange::setting, SettingChange::destructive).containsExactly(tuple("record_matching", false));
    }

    @Test
    void aCdcTableModeChangeIsDestructiveOnlyWhenTheSyncsTableChangesShape() {
        assertThat(between(CDC, CDC + ", cdc_table_mode: both"))
                .extracting(SettingChange::setting, SettingChange::destructive).containsExactly(tuple("cdc_table_mode", false));
        assertThat(between(CDC + ", cdc_table_mode: both", CDC).getFirst().reason()).contains("orders_changelog stays as it is");
        assertThat(between(CDC, CDC + ", cdc_table_mode: changelog"))
                .extracting(SettingChange::setting, SettingChange::destructive).containsExactly(tuple("cdc_table_mode", true));
        assertThat(between(CDC, CDC + ", max_slot_lag: 1GB"))
                .extracting(SettingChange::setting, SettingChange::before, SettingChange::after, SettingChange::destructive)
                .containsExactly(tuple("max_slot_lag", "10GB", "1GB", false));
    }
}
