package io.tidemark.engine;

import io.tidemark.api.ChangeClass;
import io.tidemark.api.ChangeOp;
import io.tidemark.store.RejectedRecord;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * field_mapping transforms end to end: a SQLite model of exported events, a diff sync into a SQLite table, read back
 * through the destination connector; a row a transform cannot shape is rejected alone and sent once it is fixed.
 */
class TransformSyncTest {
    private static final String MAPPING = """
            field_mapping:
                  id: id
                  user_id: distinct_id
                  time: { field: timestamp, transform: iso8601, time_zone: Europe/Berlin }
                  event_name: { field: event, map: { pageview: $pageview }, unmapped: keep }
                  platform: { split: name_version, fields: [$os, $os_version] }
                  initial_browser: { field: $initial_browser, group: $set_once }
                  city: { field: $geoip_city_name, group: $set, drop_empty: true }
                  source: { constant: heap }
                  batch: { constant: 7 }
                  label: { template: "{{first_name}} {{last_name}}" }""";

    @TempDir Path dir;

    private SyncEngine engine() throws Exception {
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  crm: { type: sqlite, path: crm.sqlite }
                models:
                  events: { connection: app, table: events, primary_key: [id] }
                syncs:
                  to_crm:
                    model: events
                    destination: crm
                    table: events_out
                    sync_type: diff
                    mode: upsert
                    %s
                """.formatted(MAPPING));
        return DiffSyncTest.openEngine(file, dir);
    }

    private void sqlite(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    private void seedEvents() throws SQLException {
        sqlite("create table events (id bigint primary key, user_id text, time text, event_name text, platform text, "
                        + "initial_browser text, city text, first_name text, last_name text, score int)",
                "insert into events values "
                        + "(1, 'u1', '2024-01-02 03:04:05.678 UTC', 'pageview', 'Mac OS X 10.15', 'Chrome', 'Berlin', 'Ada', 'Lovelace', 1), "
                        + "(2, 'u2', 'Invalid date', 'click', 'Android', 'Firefox', 'Köln', 'Bob', null, 2), "
                        + "(3, 'u3', '2024-01-02T03:04:05+02:00', 'signup', 'iOS 17.2.1', 'Safari', '  ', 'Cy', 'Young', 3)");
    }

    private Map<Long, Map<String, Object>> destination(SyncEngine engine) {
        Map<Long, Map<String, Object>> rows = new LinkedHashMap<>();
        DiffSyncTest.destinationRows(engine, dir, "events_out").forEach(r -> rows.put(((Number) r.get("id")).longValue(), r));
        return rows;
    }

    @Test
    void transformedFieldsLandInTheDestinationTable() throws Exception {
        seedEvents();
        try (SyncEngine engine = engine()) {
            engine.run("to_crm", "manual", RunListener.NONE);
            Map<Long, Map<String, Object>> rows = destination(engine);
            assertThat(rows.get(1L)).containsExactly(Map.entry("id", 1L), Map.entry("distinct_id", "u1"),
                    Map.entry("timestamp", "2024-01-02T04:04:05.678+01:00"), Map.entry("event", "$pageview"), Map.entry("$os", "Mac OS X"),
                    Map.entry("$os_version", "10.15"), Map.entry("$set_once.$initial_browser", "Chrome"),
                    Map.entry("$set.$geoip_city_name", "Berlin"), Map.entry("source", "heap"), Map.entry("batch", 7L),
                    Map.entry("label", "Ada Lovelace"));
            assertThat(rows.get(3L)).containsEntry("timestamp", "2024-01-02T02:04:05.000+01:00").containsEntry("event", "signup")
                    .containsEntry("$os", "iOS").containsEntry("$os_version", "17.2.1").containsEntry("$set.$geoip_city_name", null)
                    .containsEntry("label", "Cy Young");
        }
    }

    @Test
    void aRowATransformCannotShapeIsRejectedAloneAndSentOnceItIsFixed() throws Exception {
        seedEvents();
        try (SyncEngine engine = engine()) {
            RunRecord first = engine.run("to_crm", "manual", RunListener.NONE);
            assertThat(first.status()).as(String.valueOf(first.errorMessage())).isEqualTo(RunStatus.SUCCEEDED_WITH_REJECTIONS);
            assertThat(first.counts()).extracting(c -> c.added(), c -> c.rowsWritten(), c -> c.rowsRejected()).containsExactly(3L, 2L, 1L);
            assertThat(engine.rejections(first.id(), 10)).singleElement().isEqualTo(new RejectedRecord("added", "id=2",
                    "field \"timestamp\": cannot read \"Invalid date\" as a timestamp (column time)"));
            assertThat(destination(engine)).containsOnlyKeys(1L, 3L);

            // Kept out of the snapshot: the plan still has it as added, and shows why it cannot go as it is.
            ChangePlan plan = engine.plan("to_crm");
            assertThat(plan.counts()).containsEntry(ChangeClass.ADDED, 1L).containsEntry(ChangeClass.CHANGED, 0L);
            assertThat(plan.samples().get(ChangeClass.ADDED)).singleElement().isEqualTo(Map.of("id", 2L,
                    ChangePlan.TRANSFORM_ERROR, "field \"timestamp\": cannot read \"Invalid date\" as a timestamp (column time)"));
            TestRowResult refused = engine.testRow("to_crm", List.of("2"), Optional.empty(), Map.of());
            assertThat(refused.accepted()).isFalse();
            assertThat(refused.op()).contains(ChangeOp.UPSERT);
            assertThat(refused.sent()).isEmpty();
            assertThat(refused.answer()).isEqualTo("field \"timestamp\": cannot read \"Invalid date\" as a timestamp (column time); "
                    + "a run rejects this row, so nothing was sent");
            assertThat(destination(engine)).containsOnlyKeys(1L, 3L);

            // A changed row that stops shaping is rejected too; its record keeps what it had.
            sqlite("update events set time = '2024-01-02 03:04:05' where id = 2", "update events set time = 'soon', score = 30 where id = 3");
            RunRecord second = engine.run("to_crm", "manual", RunListener.NONE);
            assertThat(second.counts()).extracting(c -> c.added(), c -> c.changed(), c -> c.rowsWritten(), c -> c.rowsRejected())
                    .containsExactly(1L, 1L, 1L, 1L);
            assertThat(engine.rejections(second.id(), 10)).extracting(RejectedRecord::change, RejectedRecord::key, RejectedRecord::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("changed", "id=3",
                            "field \"timestamp\": cannot read \"soon\" as a timestamp (column time)"));
            Map<Long, Map<String, Object>> rows = destination(engine);
            assertThat(rows.get(2L)).containsEntry("timestamp", "2024-01-02T03:04:05.000+01:00").containsEntry("label", "Bob ")
                    .containsEntry("$os", "Android").containsEntry("$os_version", null);
            assertThat(rows.get(3L)).containsEntry("timestamp", "2024-01-02T02:04:05.000+01:00");

            sqlite("update events set time = '2024-06-01 12:00:00' where id = 3");
            RunRecord third = engine.run("to_crm", "manual", RunListener.NONE);
            assertThat(third.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(third.counts()).extracting(c -> c.changed(), c -> c.rowsWritten()).containsExactly(1L, 1L);
            assertThat(destination(engine).get(3L)).containsEntry("timestamp", "2024-06-01T12:00:00.000+02:00");
        }
    }

    @Test
    void testRowSetsTheColumnBehindATransformedField() throws Exception {
        seedEvents();
        try (SyncEngine engine = engine()) {
            TestRowResult sent = engine.testRow("to_crm", List.of("2"), Optional.empty(), Map.of("timestamp", "2024-05-05 10:00"));
            assertThat(sent.accepted()).as(sent.answer()).isTrue();
            assertThat(sent.sent()).containsEntry("timestamp", "2024-05-05T10:00:00.000+02:00").containsEntry("source", "heap");
            assertThat(destination(engine).get(2L)).containsEntry("timestamp", "2024-05-05T10:00:00.000+02:00");
        }
    }
}
