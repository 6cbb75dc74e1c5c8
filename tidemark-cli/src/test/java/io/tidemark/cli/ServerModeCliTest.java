package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.server.ServerOptions;
import io.tidemark.server.TidemarkServer;
import io.tidemark.server.schedule.SyncScheduler;
import io.tidemark.server.security.ApiTokens;
import io.tidemark.store.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against a real server on 127.0.0.1 (in this JVM, over a SQLite state store in a temporary folder), run
 * in-process: the same commands as locally, with {@code --server} and a token.
 */
class ServerModeCliTest {
    private static final String WORKSPACE = """
            connections:
              src: { type: sqlite, path: source.db }
              dst: { type: sqlite, path: dest.db }
              out: { type: files, path: out, format: jsonl }
            models:
              items: { connection: src, table: items, primary_key: [id] }
            syncs:
              items_copy: { model: items, destination: dst, table: items, sync_type: full_refresh, batch_size: 50 }
              items_feed: { model: items, destination: out, table: items, sync_type: diff, mode: insert }
            """;
    private static final Pattern RUN_ID = Pattern.compile("items_copy: run (\\d+) succeeded");

    @TempDir Path dir;
    private TidemarkServer server;
    private String url;
    private String admin;

    @BeforeEach
    void start() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("source.db")); Statement s = c.createStatement()) {
            s.execute("create table items (id integer primary key, name text not null, v integer not null)");
            s.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000) insert into items select i, 'name ' || i, i * 7 from n");
        }
        Files.createDirectories(dir.resolve("out"));
        String stateStore = "jdbc:sqlite:" + dir.resolve("state.db");
        admin = ApiTokens.newToken();
        try (StateStore store = StateStore.open(stateStore, null, null, Clock.systemUTC())) {
            store.createToken("cli-admin", "admin", ApiTokens.hash(admin));
        }
        server = TidemarkServer.start(new ServerOptions("127.0.0.1", 0, stateStore, dir, "test", Optional.empty(), 2,
                SyncScheduler.ClusterTimings.DEFAULT), Map.<String, String>of()::get, Clock.systemUTC());
        url = "http://127.0.0.1:" + server.port();
        Files.writeString(dir.resolve("workspace.yaml"), WORKSPACE);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void applyShowsThePlanAndAnExportAppliedAgainChangesNothing() throws Exception {
        CliResult created = remote("apply", "-f", file("workspace.yaml"), "--yes");
        assertThat(created.exit()).as(created.output()).isZero();
        assertThat(created.output()).contains("+ create connection src", "+ create model items", "+ create sync items_copy",
                "applied: workspace version");

        CliResult export = remote("export");
        assertThat(export.exit()).as(export.output()).isZero();
        assertThat(export.output()).contains("items_copy:", "batch_size: 50");
        Files.writeString(dir.resolve("exported.yaml"), export.output());
        CliResult again = remote("apply", "-f", file("exported.yaml"), "--yes");
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("no changes");

        Files.writeString(dir.resolve("bigger.yaml"), WORKSPACE.replace("batch_size: 50", "batch_size: 200"));
        CliResult unconfirmed = remote("apply", "-f", file("bigger.yaml"));
        assertThat(unconfirmed.exit()).as("no terminal to ask on").isEqualTo(2);
        assertThat(unconfirmed.output()).contains("~ change sync items_copy: batch_size 50 → 200").contains("--yes");
        assertThat(remote("export").output()).as("nothing applied").contains("batch_size: 50");

        CliResult changed = remote("apply", "-f", file("bigger.yaml"), "--yes");
        assertThat(changed.exit()).as(changed.output()).isZero();
        assertThat(remote("export").output()).contains("batch_size: 200");
    }

    @Test
    void recoverResumesAPausedSyncAndRunsItAndCancelSaysWhenNothingRuns() throws Exception {
        applyWorkspace();
        assertThat(remote("pause", "items_copy").exit()).isZero();
        CliResult recovered = remote("recover", "--json", "items_copy");
        assertThat(recovered.exit()).as(recovered.output()).isZero();
        assertThat(recovered.json().path("status").asText()).isEqualTo("succeeded");
        assertThat(recovered.json().path("trigger").asText()).isEqualTo("recover");
        assertThat(recovered.json().has("progress")).as("a run summary, not a run's detail").isFalse();
        assertThat(count(dir.resolve("dest.db"), "items")).isEqualTo(1_000);

        CliResult idle = remote("cancel", "items_copy");
        assertThat(idle.exit()).isNotZero();
        assertThat(idle.output()).contains("items_copy").contains("is not running");
        CliResult local = tidemark("cancel", "-f", file("workspace.yaml"), "items_copy");
        assertThat(local.exit()).isNotZero();
        assertThat(local.output()).contains("--server").contains("Ctrl-C");
    }

    @Test
    void runOnTheServerIsFollowedToItsEndAndEveryCommandShowsIt() throws Exception {
        applyWorkspace();
        CliResult run = remote("run", "items_copy");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("1,000 read, 1,000 written, 0 deleted, 0 rejected");
        assertThat(count(dir.resolve("dest.db"), "items")).isEqualTo(1_000);
        Matcher id = RUN_ID.matcher(run.output());
        assertThat(id.find()).isTrue();

        CliResult runs = remote("runs", "--json");
        assertThat(runs.exit()).as(runs.output()).isZero();
        assertThat(runs.json()).singleElement().satisfies(r -> {
            assertThat(r.get("run_id").asText()).isEqualTo(id.group(1));
            assertThat(r.get("status").asText()).isEqualTo("succeeded");
        });
        assertThat(remote("runs").output()).contains("items_copy").contains("succeeded").contains("1,000");
        assertThat(remote("run-show", id.group(1)).output()).containsPattern("status +succeeded").containsPattern("rows_written +1000");

        CliResult status = remote("status", "items_copy");
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output()).contains("state:      active").contains("last run:   items_copy: run " + id.group(1) + " succeeded");

        CliResult check = remote("check", "items_copy");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("ok   connection src").contains("ok   sync items_copy");
    }

    @Test
    void aPausedSyncIsRefusedOnTheServerAndSkippedWhenRunningEverything() throws Exception {
        applyWorkspace();
        CliResult paused = remote("pause", "items_copy");
        assertThat(paused.exit()).as(paused.output()).isZero();
        assertThat(remote("status", "items_copy").output()).contains("state:      paused");

        CliResult refused = remote("run", "items_copy");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.output()).contains("error[sync_paused]");

        CliResult all = remote("run", "--json");
        assertThat(all.exit()).as(all.output()).isZero();
        assertThat(all.output()).contains("items_copy: paused, skipped");
        assertThat(all.json().get("sync").asText()).isEqualTo("items_feed");

        assertThat(remote("resume", "items_copy").exit()).isZero();
        assertThat(remote("run", "items_copy").exit()).isZero();

        CliResult audit = remote("audit", "--csv", "--sync", "items_copy");
        assertThat(audit.exit()).as(audit.output()).isZero();
        assertThat(audit.output()).startsWith("id,at,actor,action,target,before,after,detail")
                .contains("cli-admin,pause,sync/items_copy").contains("cli-admin,resume,sync/items_copy").contains("cli-admin,run,sync/items_copy");
        assertThat(remote("audit").output()).contains("cli-admin").contains("apply").contains("workspace");
    }

    @Test
    void planAndResyncOfADiffSyncOnTheServerReadItsSettings() throws Exception {
        applyWorkspace();
        CliResult plan = remote("plan", "items_feed");
        assertThat(plan.exit()).as(plan.output()).isZero();
        assertThat(plan.output()).containsPattern("added +1,000\\n").contains("not sent: mode insert")
                .contains("Nothing was written to out").contains("name 1");
        JsonNode json = remote("plan", "--json", "items_feed").json();
        assertThat(json.path("added").path("count").asLong()).isEqualTo(1_000);

        CliResult resync = remote("resync", "items_feed");
        assertThat(resync.exit()).as("an insert-only resync needs --yes").isEqualTo(2);
        assertThat(resync.output()).contains("inserts only (mode insert)");
        assertThat(remote("runs", "--json").json()).as("nothing started").isEmpty();
    }

    @Test
    void aSchemaChangeOnTheServerShowsInPlanRunAndRunShow() throws Exception {
        applyWorkspace();
        assertThat(remote("run", "items_copy").exit()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("source.db")); Statement s = c.createStatement()) {
            s.execute("alter table items add column note text");
        }
        String added = "column note (string) added: propagate (schema_policy column_added)";

        CliResult plan = remote("plan", "items_copy");
        assertThat(plan.exit()).as(plan.output()).isZero();
        assertThat(plan.output()).contains("schema changes (schema_policy decides):\n    " + added + "\n").doesNotContain("Choices");
        JsonNode json = remote("plan", "--json", "items_copy").json();
        assertThat(json.path("schema_changes").get(0).path("description").asText()).isEqualTo(added);
        assertThat(json.path("schema_choices").isNull()).as("nothing stops the run").isTrue();

        CliResult run = remote("run", "items_copy");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("\n  schema: " + added + "\n");
        Matcher id = RUN_ID.matcher(run.output());
        assertThat(id.find()).isTrue();
        assertThat(remote("run-show", id.group(1)).output()).contains("schema changes (schema_policy decided):\n  " + added);
    }

    @Test
    void aWrongOrMissingTokenIsRefusedAsAuthenticationFailed() throws Exception {
        CliResult wrong = tidemark("runs", "--server", url, "--token", "tmk_not-a-real-token");
        assertThat(wrong.exit()).isEqualTo(3);
        assertThat(wrong.output()).contains("error[authentication_failed]").doesNotContain("tmk_not-a-real-token");

        CliResult missing = tidemark("status", "items_copy", "--server", url);
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.output()).contains("error[authentication_failed]").contains("--token");
    }

    @Test
    void tokensAreManagedThroughTheApiAndTheirScopesHold() throws Exception {
        applyWorkspace();
        CliResult created = remote("token", "create", "viewer", "--scope", "read-only");
        assertThat(created.exit()).as(created.output()).isZero();
        String viewer = created.output().lines().filter(l -> l.startsWith("tmk_")).findFirst().orElseThrow();
        assertThat(remote("token", "list").output()).contains("cli-admin\tadmin").contains("viewer\tread-only");

        assertThat(tidemark("runs", "--server", url, "--token", viewer).exit()).isZero();
        CliResult refused = tidemark("pause", "items_copy", "--server", url, "--token", viewer);
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.output()).contains("error[permission_denied]");

        assertThat(remote("token", "revoke", "viewer").exit()).isZero();
        assertThat(tidemark("runs", "--server", url, "--token", viewer).output()).contains("error[authentication_failed]");
    }

    @Test
    void anUnreachableServerExits3AndSaysWhichOne() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliResult r = tidemark("runs", "--server", "http://127.0.0.1:" + closed, "--token", admin);
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.output()).contains("error[connection_failed]").contains("http://127.0.0.1:" + closed);
    }

    @Test
    void applyOnALocalWorkspaceShowsThePlanThenWritesTheFile() throws Exception {
        Path workspace = dir.resolve("local.yaml");
        Files.writeString(workspace, WORKSPACE);
        String incremental = WORKSPACE.replace("sync_type: full_refresh, batch_size: 50",
                "sync_type: incremental, cursor_field: id, cursor_type: integer, mode: upsert, batch_size: 50");
        Files.writeString(dir.resolve("incremental.yaml"), incremental);

        CliResult unconfirmed = tidemark("apply", "--workspace", workspace.toString(), "-f", file("incremental.yaml"));
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(unconfirmed.output()).contains("! change sync items_copy: sync_type full_refresh → incremental").contains("--yes");
        assertThat(Files.readString(workspace)).isEqualTo(WORKSPACE);

        CliResult applied = tidemark("apply", "--workspace", workspace.toString(), "-f", file("incremental.yaml"), "--yes");
        assertThat(applied.exit()).as(applied.output()).isZero();
        assertThat(applied.output()).contains("applied: " + workspace).contains("tidemark resync items_copy");
        assertThat(Files.readString(workspace)).isEqualTo(incremental);
        assertThat(tidemark("apply", "--workspace", workspace.toString(), "-f", file("incremental.yaml")).output()).contains("no changes");
        assertThat(tidemark("export", "-f", workspace.toString()).output()).contains("cursor_field: \"id\"");
    }

    private void applyWorkspace() throws Exception {
        CliResult applied = remote("apply", "-f", file("workspace.yaml"), "--yes");
        assertThat(applied.exit()).as(applied.output()).isZero();
    }

    private String file(String name) { return dir.resolve(name).toString(); }

    /** A command against the test's server, as its admin. */
    private CliResult remote(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", url, "--token", admin));
        return tidemark(all.toArray(String[]::new));
    }

    /** Runs the CLI in this JVM; stdout and stderr interleaved, as a terminal shows them. */
    private static synchronized CliResult tidemark(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(capture);
        System.setErr(capture);
        try {
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(capture, true));
            cli.setErr(new PrintWriter(capture, true));
            int exit = cli.execute(args);
            return new CliResult(exit, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static long count(Path file, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
