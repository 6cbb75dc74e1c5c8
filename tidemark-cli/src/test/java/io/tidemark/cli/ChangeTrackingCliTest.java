package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands of change-tracking ({@code diff}) syncs as users run them: a SQLite model sent to a folder of JSON
 * Lines files standing in for the CRM, one process per command.
 */
class ChangeTrackingCliTest {
    @TempDir Path dir;

    @BeforeEach
    void workspace() throws Exception {
        sqlite("create table contacts (id bigint primary key, email varchar(64), name varchar(32))",
                "insert into contacts values (1, 'ada@example.com', 'Ada'), (2, 'bo@example.com', 'Bo'), (3, 'cy@example.com', 'Cy')");
        Files.createDirectories(dir.resolve("crm"));
        Files.writeString(dir.resolve("tidemark.yaml"), """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  crm: { type: files, path: crm, format: jsonl }
                models:
                  contacts: { connection: app, table: contacts, primary_key: [id] }
                syncs:
                  contacts_to_crm:
                    model: contacts
                    destination: crm
                    table: crm_contacts
                    sync_type: diff
                    mode: mirror
                    delete_behavior: delete
                    field_mapping: {id: id, email: email_address}
                  contacts_inserted:
                    model: contacts
                    destination: crm
                    table: crm_inserted
                    sync_type: diff
                    mode: insert
                  contacts_updated:
                    model: contacts
                    destination: crm
                    table: crm_updated
                    sync_type: diff
                    mode: update
                    field_mapping: {id: id, email: email_address}
                """);
    }

    @Test
    void planShowsWhatARunWouldSendAndWritesNothing() throws Exception {
        CliResult first = tidemark("plan", "--json", "contacts_to_crm");
        assertThat(first.exit()).as(first.output()).isZero();
        JsonNode plan = first.json();
        assertThat(plan.get("rows_read").asLong()).isEqualTo(3);
        assertThat(List.of(plan.get("added").get("count").asLong(), plan.get("changed").get("count").asLong(),
                plan.get("removed").get("count").asLong())).containsExactly(3L, 0L, 0L);
        assertThat(plan.get("removed").get("sent").asBoolean()).isTrue();
        JsonNode sample = plan.get("added").get("samples").get(0);
        assertThat(sample.get("id").isIntegralNumber()).isTrue();
        assertThat(sample.get("email_address").asText()).isEqualTo("ada@example.com");
        assertThat(dir.resolve("crm/crm_contacts.jsonl")).doesNotExist();

        CliResult run = tidemark("run", "--json", "contacts_to_crm");
        assertThat(run.json().get("added").asLong()).as(run.output()).isEqualTo(3);
        assertThat(run.json().get("rows_written").asLong()).isEqualTo(3);
        String synced = crm("crm_contacts");

        sqlite("update contacts set email = 'ada@new.example.com' where id = 1", "delete from contacts where id = 2",
                "insert into contacts values (4, 'di@example.com', 'Di')");
        CliResult second = tidemark("plan", "contacts_to_crm");
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).containsPattern("added +1\\n").containsPattern("changed +1\\n").containsPattern("removed +1\\n")
                .contains("Nothing was written to crm and the checkpoint did not move.")
                .contains("email_address").contains("ada@new.example.com").contains("di@example.com");
        assertThat(crm("crm_contacts")).isEqualTo(synced);

        CliResult applied = tidemark("run", "--json", "contacts_to_crm");
        JsonNode summary = applied.json();
        assertThat(List.of(summary.get("added").asLong(), summary.get("changed").asLong(), summary.get("removed").asLong()))
                .as(applied.output()).containsExactly(1L, 1L, 1L);
        assertThat(List.of(summary.get("rows_written").asLong(), summary.get("rows_deleted").asLong(), summary.get("rows_rejected").asLong()))
                .containsExactly(2L, 1L, 0L);
        assertThat(crm("crm_contacts")).contains("ada@new.example.com").contains("di@example.com").doesNotContain("bo@example.com");

        assertThat(tidemark("runs", "contacts_to_crm").output()).contains("+1 ~1 -1").contains("+3 ~0 -0");
    }

    @Test
    void resetTrackingSendsNothingAndTheNextRunSendsOnlyLaterChanges() throws Exception {
        CliResult reset = tidemark("reset-tracking", "contacts_inserted");
        assertThat(reset.exit()).as(reset.output()).isZero();
        assertThat(reset.output()).contains("succeeded").contains("applied: 0 written").contains("nothing was sent");
        assertThat(crmRows("crm_inserted")).isEmpty();

        sqlite("insert into contacts values (4, 'di@example.com', 'Di')");
        CliResult run = tidemark("run", "--json", "contacts_inserted");
        assertThat(run.json().get("added").asLong()).as(run.output()).isEqualTo(1);
        assertThat(crmRows("crm_inserted")).singleElement().asString().contains("di@example.com");
    }

    @Test
    void resyncOfAnInsertOnlySyncNeedsYes() throws Exception {
        assertThat(tidemark("run", "contacts_inserted").exit()).isZero();
        assertThat(tidemark("plan", "contacts_inserted").output()).contains("not sent: mode insert");
        sqlite("insert into contacts values (4, 'di@example.com', 'Di')");

        CliResult refused = tidemark("resync", "contacts_inserted");
        assertThat(refused.exit()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains("inserts only (mode insert)").contains("--yes");
        assertThat(crmRows("crm_inserted")).hasSize(3);

        // Every row goes again as added: the three already there are skipped as existing (an insert-only sync never
        // overwrites, and nothing is left to retry), the new one is inserted.
        CliResult resync = tidemark("resync", "--yes", "--json", "contacts_inserted");
        assertThat(resync.exit()).as(resync.output()).isZero();
        assertThat(resync.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(resync.json().get("added").asLong()).isEqualTo(4);
        assertThat(resync.json().get("rows_written").asLong()).isEqualTo(1);
        assertThat(crmRows("crm_inserted")).hasSize(4);
    }

    @Test
    void testRowSendsOneRowAndExits1WhenTheDestinationRefusesIt() throws Exception {
        seedCrmUpdated();
        CliResult accepted = tidemark("test-row", "contacts_updated", "--key", "1", "--set", "email=test@example.com");
        assertThat(accepted.exit()).as(accepted.output()).isZero();
        assertThat(accepted.output()).contains("operation  update").contains("email_address  test@example.com")
                .contains("destination answer: accepted").contains("the checkpoint and the change-tracking snapshot did not move");
        assertThat(crm("crm_updated")).contains("test@example.com");

        CliResult refused = tidemark("test-row", "--json", "contacts_updated", "--key", "3");
        assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
        assertThat(refused.json().get("accepted").asBoolean()).isFalse();
        assertThat(refused.json().get("operation").asText()).isEqualTo("update");
        assertThat(refused.json().get("answer").asText()).contains("not found");

        // No checkpoint moved: the first run still finds every row added.
        CliResult run = tidemark("run", "--json", "contacts_updated");
        assertThat(run.json().get("added").asLong()).as(run.output()).isEqualTo(3);
    }

    @Test
    void runShowListsTheRowsTheDestinationRejected() throws Exception {
        seedCrmUpdated();
        CliResult run = tidemark("run", "--json", "contacts_updated");
        assertThat(run.exit()).as(run.output()).isZero();
        JsonNode summary = run.json();
        assertThat(summary.get("status").asText()).isEqualTo("succeeded_with_rejections");
        assertThat(summary.get("rows_written").asLong()).isEqualTo(2);
        assertThat(summary.get("rows_rejected").asLong()).isEqualTo(1);
        String id = summary.get("run_id").asText();
        assertThat(run.output()).contains("warning:").contains("tidemark run-show " + id);

        CliResult show = tidemark("run-show", id);
        assertThat(show.output()).contains("showing 1 of 1 row rejected").containsPattern("added +id=3 +.*not found");

        JsonNode json = tidemark("run-show", "--json", id).json();
        assertThat(json.get("rows_rejected").asLong()).isEqualTo(1);
        assertThat(json.get("rejected_rows")).singleElement().satisfies(r -> {
            assertThat(r.get("change").asText()).isEqualTo("added");
            assertThat(r.get("key").asText()).isEqualTo("id=3");
            assertThat(r.get("reason").asText()).contains("not found");
        });
    }

    /** The CRM already holds contacts 1 and 2 (written by another workspace), so an update of contact 3 finds nothing. */
    private void seedCrmUpdated() throws Exception {
        Files.writeString(dir.resolve("seed.yaml"), """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  crm: { type: files, path: crm, format: jsonl }
                models:
                  known: { connection: app, query: "select id, 'old' as email_address from contacts where id <= 2", primary_key: [id] }
                syncs:
                  seed: { model: known, destination: crm, table: crm_updated, sync_type: full_refresh }
                """);
        CliResult seed = tidemark("run", "-f", "seed.yaml", "seed");
        assertThat(seed.exit()).as(seed.output()).isZero();
    }

    private CliResult tidemark(String... args) throws Exception {
        return CliProcess.run(dir, Map.of(), args);
    }

    private String crm(String table) throws Exception {
        return Files.readString(dir.resolve("crm").resolve(table + ".jsonl"));
    }

    /** The records of a CRM table; none when the file was never written. */
    private List<String> crmRows(String table) throws Exception {
        Path file = dir.resolve("crm").resolve(table + ".jsonl");
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    private void sqlite(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }
}
