package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Source schema changes as the CLI shows them: pending in {@code plan}, met in the summary of {@code run} and in
 * {@code run-show}, each in the engine's words. A SQLite table copied to another SQLite file gains a column between runs.
 */
class SchemaChangeCliTest {
    private static final String ADDED = "column note (string) added: ";
    private static final Pattern RUN_ID = Pattern.compile(": run (\\d+) ");

    @TempDir Path dir;

    @BeforeEach
    void workspace() throws Exception {
        sqlite("create table orders (id bigint primary key, status varchar(16), updated_at timestamp not null)",
                "insert into orders values (1, 'placed', '2026-03-01T10:00:00'), (2, 'paid', '2026-03-01T11:00:00')");
        Files.writeString(dir.resolve("tidemark.yaml"), """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  wh:  { type: sqlite, path: wh.sqlite }
                models:
                  orders: { connection: app, table: orders, primary_key: [id] }
                syncs:
                  orders_to_wh:
                    model: orders
                    destination: wh
                    table: orders
                    sync_type: incremental
                    cursor_field: updated_at
                    cursor_type: timestamp
                    mode: upsert
                  orders_guarded:
                    model: orders
                    destination: wh
                    table: orders_guarded
                    sync_type: diff
                    schema_policy: { column_added: pause }
                """);
    }

    @Test
    void aColumnAddedAtTheSourceIsPlannedThenReportedByTheRunAndRunShow() throws Exception {
        assertThat(tidemark("run", "orders_to_wh").exit()).isZero();
        sqlite("alter table orders add column note text",
                "update orders set note = 'gift wrap', updated_at = '2026-03-02T09:00:00' where id = 1");

        CliResult plan = tidemark("plan", "orders_to_wh");
        assertThat(plan.exit()).as(plan.output()).isZero();
        assertThat(plan.output()).contains("orders_to_wh: plan of the next run\n")
                .contains("schema changes (schema_policy decides):\n    " + ADDED + "propagate (schema_policy column_added)\n")
                .contains("Nothing was written to wh").doesNotContain("rows read");
        JsonNode pending = tidemark("plan", "--json", "orders_to_wh").json().get("schema_changes");
        assertThat(pending).singleElement().satisfies(c -> {
            assertThat(c.get("kind").asText()).isEqualTo("column_added");
            assertThat(c.get("column").asText()).isEqualTo("note");
            assertThat(c.get("before").isNull()).isTrue();
            assertThat(c.get("action").asText()).isEqualTo("propagate");
            assertThat(c.get("description").asText()).isEqualTo(ADDED + "propagate (schema_policy column_added)");
        });

        CliResult run = tidemark("run", "orders_to_wh");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("\n  schema: " + ADDED + "propagate (schema_policy column_added)\n");
        assertThat(destinationNote(1)).isEqualTo("gift wrap");
        Matcher id = RUN_ID.matcher(run.output());
        assertThat(id.find()).as(run.output()).isTrue();

        assertThat(tidemark("run-show", id.group(1)).output())
                .contains("schema changes (schema_policy decided):\n  " + ADDED + "propagate (schema_policy column_added)\n");
        assertThat(tidemark("run-show", "--json", id.group(1)).json().get("schema_changes")).singleElement()
                .satisfies(c -> assertThat(c.get("description").asText()).isEqualTo(ADDED + "propagate (schema_policy column_added)"));
        assertThat(tidemark("plan", "orders_to_wh").output()).as("applied: nothing pending").contains("schema changes: none");
    }

    @Test
    void aPolicyThatPausesIsShownByThePlanWithTheWaysOnOfADiffSyncAndStopsTheRunBeforeItWrites() throws Exception {
        assertThat(tidemark("run", "orders_guarded").exit()).isZero();
        sqlite("alter table orders add column note text");

        // A diff resync keeps the destination table: only deleting the data rebuilds it in the new shape.
        String choices = "`tidemark delete-data orders_guarded` makes the next run rebuild the destination in the new shape";
        CliResult plan = tidemark("plan", "orders_guarded");
        assertThat(plan.exit()).as(plan.output()).isZero();
        assertThat(plan.output()).contains("    " + ADDED + "pause (schema_policy column_added)\n")
                .contains("The next run stops at these schema changes before writing anything. Choices: " + choices)
                .doesNotContain("tidemark resync").doesNotContain("rows read");
        assertThat(tidemark("plan", "--json", "orders_guarded").json().get("schema_choices").asText()).startsWith(choices);

        CliResult run = tidemark("run", "--json", "orders_guarded");
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        JsonNode summary = run.json();
        assertThat(summary.get("error_code").asText()).isEqualTo("schema_changed");
        assertThat(summary.get("schema_changes")).singleElement().satisfies(c -> assertThat(c.get("action").asText()).isEqualTo("pause"));
        assertThat(tidemark("status", "orders_guarded").output()).contains("state:      paused");
    }

    private CliResult tidemark(String... args) throws Exception {
        return CliProcess.run(dir, Map.of(), args);
    }

    private String destinationNote(long id) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("wh.sqlite")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select note from orders where id = " + id)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private void sqlite(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }
}
