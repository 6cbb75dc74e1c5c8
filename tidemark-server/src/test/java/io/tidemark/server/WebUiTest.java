package io.tidemark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.server.api.ApiJson;
import io.tidemark.server.security.SecretCipher;
import io.tidemark.store.AuditQuery;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in a real browser (Debian's headless Chromium) against a real server on 127.0.0.1: every test
 * drives the pages as a user would and checks what the server and the databases then hold. Screenshots of each
 * page land in {@code target/screenshots/WebUiTest/} for review; any browser console error fails the test.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class WebUiTest {
    @TempDir static Path dir;
    static TestServer t;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("server"));
        TestServer.sourceTable(dir.resolve("server/source.db"), "items", 10);
        t = new TestServer(dir.resolve("server"), Map.of("TIDEMARK_SECRET_KEY", SecretCipher.newKey()));
        Files.createDirectories(dir.resolve("browser"));
        browser = new Browser(WebUiTest.class, dir.resolve("browser"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (t != null) t.close();
    }

    @AfterEach
    void noConsoleErrors() {
        browser.resize(Browser.LAPTOP);
        browser.assertNoConsoleErrors();
    }

    @Test
    void createsAConnectionAndASyncRunsItAndShowsTheCountsOnTheRunPage() throws Exception {
        TestServer.sourceTable(t.dataDir.resolve("app.db"), "items", 10);
        login(t.admin);
        browser.screenshot("syncs-empty");

        createSqliteConnection("app", "app.db");
        createSqliteConnection("warehouse", "warehouse.db");
        browser.awaitText(By.cssSelector("[data-test=connections]"), "warehouse");
        browser.screenshot("connections");

        browser.click(By.linkText("Syncs"));
        browser.click(By.cssSelector("[data-test=new-sync]"));
        browser.type(By.name("name"), "items_to_warehouse");
        new Select(browser.await(By.name("connection"))).selectByValue("app");
        selectWhenOffered(By.name("table"), "main.items");
        assertThat(browser.await(By.name("primary_key")).getDomProperty("value")).as("the discovered key").isEqualTo("id");
        new Select(browser.await(By.name("destination"))).selectByValue("warehouse");
        assertThat(browser.await(By.name("dest_table")).getDomProperty("value")).isEqualTo("items");
        browser.screenshot("new-sync");
        browser.click(By.cssSelector("[data-test=create-sync]"));

        browser.awaitText(By.tagName("h1"), "items_to_warehouse");
        browser.screenshot("sync-page");
        browser.click(By.cssSelector("[data-test=run-now]"));

        awaitRunStatus("succeeded");
        assertThat(count("rows_read")).isEqualTo("10");
        assertThat(count("rows_written")).isEqualTo("10");
        assertThat(count("rows_rejected")).isEqualTo("0");
        assertThat(browser.await(By.cssSelector("[data-test=checkpoint-after]")).getText()).isNotBlank();
        browser.screenshot("run-page");
        assertThat(TestServer.count(t.dataDir.resolve("warehouse.db"), "items")).isEqualTo(10);

        browser.click(By.linkText("Syncs"));
        WebElement row = browser.await(By.cssSelector("tr[data-sync=items_to_warehouse]"));
        browser.awaitText(By.cssSelector("tr[data-sync=items_to_warehouse]"), "10 written");
        assertThat(row.getText()).contains("succeeded");
        browser.screenshot("syncs-overview");
    }

    @Test
    void aConnectionsSecretIsWriteOnlyAndKeptWhenTheFormIsSavedWithoutIt() throws Exception {
        login(t.admin);
        open("#/new-connection");
        browser.type(By.name("name"), "crm_pg");
        new Select(browser.await(By.name("type"))).selectByValue("postgres");
        browser.type(By.cssSelector("input[data-field=url]"), "jdbc:postgresql://127.0.0.1:9/crm");
        browser.type(By.cssSelector("input[data-field=user]"), "sync");
        assertThat(browser.await(By.cssSelector("input[data-field=password]")).getDomProperty("type")).isEqualTo("password");
        browser.type(By.cssSelector("input[data-field=password]"), "hunter2-s3cret");
        browser.screenshot("connection-form-secret");
        browser.click(By.cssSelector("[data-test=save-connection]"));
        browser.awaitText(By.cssSelector("[data-test=connections]"), "crm_pg");
        String sealed = storedPassword();
        assertThat(sealed).startsWith("enc:v1:");

        open("#/connections/crm_pg");
        WebElement password = browser.await(By.cssSelector("input[data-field=password]"));
        assertThat(password.getDomProperty("value")).as("a stored secret is never shown").isEmpty();
        assertThat(password.getDomProperty("placeholder")).isEqualTo("unchanged");
        assertThat(browser.driver().getPageSource()).doesNotContain("hunter2");
        browser.type(By.cssSelector("input[data-field=user]"), "sync_v2");
        browser.click(By.cssSelector("[data-test=save-connection]"));
        browser.awaitText(By.cssSelector("[data-test=connections]"), "sync_v2");
        assertThat(storedPassword()).as("left empty: the stored secret is kept").isEqualTo(sealed);
        assertThat(browser.driver().getPageSource()).doesNotContain("hunter2");
    }

    @Test
    void checksAndDiscoversAConnection() {
        apiSync("discovered_items", "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"discovered_items\"}");
        login(t.operator);
        open("#/connections");
        browser.click(By.cssSelector("tr[data-connection=src] [data-test=check-connection]"));
        browser.awaitText(By.cssSelector("[data-test=check-panel]"), "opens as a SQLite database");
        browser.click(By.cssSelector("tr[data-connection=src] [data-test=discover]"));
        browser.click(By.xpath("//details[contains(@class, 'stream')]/summary[contains(., 'main.items')]"));
        WebElement stream = browser.await(By.xpath("//details[contains(@class, 'stream') and contains(., 'main.items')]"));
        assertThat(stream.getText()).contains("key (id)").contains("full_refresh").contains("cursor candidates: id, v").contains("name string TEXT");
        browser.screenshot("connection-discover");
    }

    @Test
    void pausesAndResumesASyncAndTheOverviewFiltersByStatus() {
        apiSync("paused_items", "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"paused_items\", \"schedule\": \"1hour\"}");
        login(t.operator);
        open("#/syncs/paused_items");
        browser.click(By.cssSelector("[data-test=pause]"));
        browser.awaitText(By.tagName("h1"), "paused");
        browser.await(By.cssSelector("[data-test=resume]"));
        assertThat(t.get("/api/v1/syncs/paused_items", t.reader).json().get("paused").asBoolean()).isTrue();
        assertThat(browser.await(By.cssSelector("[data-test=run-now]")).isEnabled()).as("a paused sync does not run").isFalse();
        browser.screenshot("sync-paused");

        open("#/syncs");
        new Select(browser.await(By.cssSelector("[data-test=status-filter]"))).selectByValue("paused");
        browser.awaitText(By.cssSelector("[data-test=syncs]"), "paused_items");
        assertThat(browser.driver().findElements(By.cssSelector("[data-test=syncs] tbody tr")))
                .allSatisfy(row -> assertThat(row.getText()).contains("paused"));
        browser.screenshot("syncs-filtered-paused");

        open("#/syncs/paused_items");
        browser.click(By.cssSelector("[data-test=resume]"));
        browser.await(By.cssSelector("[data-test=pause]"));
        assertThat(t.get("/api/v1/syncs/paused_items", t.reader).json().get("paused").asBoolean()).isFalse();
    }

    @Test
    void aRunWithRejectedRowsShowsEachKeyAndReason() throws Exception {
        // The destination already holds items 1 and 2 (a first sync put them there); an update-only diff sync then
        // finds no record for items 3 to 10, and the destination rejects them.
        apiModel("first_two", "{\"connection\": \"src\", \"query\": \"select id, name, v from items where id <= 2\", \"primary_key\": [\"id\"]}");
        // A second connection to the same file: a destination table belongs to one sync per connection.
        assertThat(t.put("/api/v1/connections/crm_seed", t.admin, "{\"type\": \"sqlite\", \"path\": \"dest.db\"}").status()).isEqualTo(201);
        apiSync("seed_crm", "{\"model\": \"first_two\", \"destination\": \"crm_seed\", \"table\": \"crm_items\"}");
        t.awaitFinished(t.post("/api/v1/syncs/seed_crm/runs", t.admin).json().path("run").path("run_id").asLong(), Duration.ofSeconds(30));
        apiSync("update_crm", "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"crm_items\", \"sync_type\": \"diff\", \"mode\": \"update\"}");
        long runId = t.post("/api/v1/syncs/update_crm/runs", t.admin).json().path("run").path("run_id").asLong();
        assertThat(t.awaitFinished(runId, Duration.ofSeconds(30)).status()).isEqualTo(RunStatus.SUCCEEDED_WITH_REJECTIONS);

        login(t.reader);
        open("#/syncs");
        new Select(browser.await(By.cssSelector("[data-test=status-filter]"))).selectByValue("succeeded_with_rejections");
        browser.click(By.cssSelector("tr[data-sync=update_crm] td:nth-child(3) a"));
        awaitRunStatus("succeeded_with_rejections");
        assertThat(count("rows_rejected")).isEqualTo("8");
        assertThat(count("rows_written")).isEqualTo("2");
        List<WebElement> rejected = browser.driver().findElements(By.cssSelector("[data-test=rejected-rows] tbody tr"));
        assertThat(rejected).hasSize(8);
        assertThat(rejected.getFirst().getText()).contains("added").contains("id=3").contains("not found");
        browser.screenshot("run-rejected-rows");
    }

    @Test
    void aDestructiveSettingsChangeIsExplainedAndSavedOnlyWithAResync() throws Exception {
        apiSync("moving_items", "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"moving_before\"}");
        login(t.admin);
        open("#/syncs/moving_items");
        WebElement editor = browser.await(By.cssSelector("[data-test=settings-editor]"));
        String changed = editor.getDomProperty("value").replace("moving_before", "moving_after");
        editor.clear();
        editor.sendKeys(changed);
        browser.click(By.cssSelector("[data-test=review-settings]"));
        browser.awaitText(By.cssSelector("[data-test=settings-review]"), "moving_after");
        assertThat(browser.await(By.cssSelector("[data-test=destructive-warning]")).getText()).contains("resync");
        assertThat(browser.driver().findElements(By.cssSelector("[data-test=save-settings]"))).as("no plain save").isEmpty();
        assertThat(t.get("/api/v1/syncs/moving_items", t.reader).json().path("settings").path("table").asText())
                .as("nothing saved before the choice").isEqualTo("moving_before");
        browser.screenshot("settings-destructive-review");

        browser.click(By.cssSelector("[data-test=save-resync]"));
        browser.awaitText(By.cssSelector("[role=status]"), "resync started");
        assertThat(t.get("/api/v1/syncs/moving_items", t.reader).json().path("settings").path("table").asText()).isEqualTo("moving_after");
        RunRecord resync = t.awaitFinished(t.store.runs(Optional.of("moving_items"), 1).getFirst().id(), Duration.ofSeconds(30));
        assertThat(resync.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(TestServer.count(t.dataDir.resolve("dest.db"), "moving_after")).isEqualTo(10);
    }

    @Test
    void plansAndTestsARowOfADiffSyncAndChecksIt() throws Exception {
        apiSync("diff_items", "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"diff_items\", \"sync_type\": \"diff\", \"mode\": \"upsert\"}");
        login(t.operator);
        open("#/syncs/diff_items");
        browser.click(By.cssSelector("[data-test=plan]"));
        browser.awaitText(By.cssSelector("[data-test=plan-added]"), "10");
        browser.screenshot("plan");

        browser.click(By.xpath("//button[text()='Test this row']"));
        WebElement name = browser.await(By.cssSelector("[data-test=test-row-panel] input[data-field=name]"));
        assertThat(browser.await(By.cssSelector("[data-test=test-key]")).getDomProperty("value")).isEqualTo("1");
        name.clear();
        name.sendKeys("edited in the browser");
        browser.click(By.cssSelector("[data-test=send-row]"));
        browser.awaitText(By.cssSelector("[data-test=test-row-result]"), "accepted");
        assertThat(browser.await(By.cssSelector("[data-test=test-row-result]")).getText()).contains("edited in the browser").contains("diff_items");
        browser.screenshot("test-row");

        browser.click(By.cssSelector("[data-test=check]"));
        browser.awaitText(By.cssSelector("[data-test=check-panel]"), "primary key, field_mapping and record_matching columns present");
        assertThat(browser.driver().findElements(By.cssSelector("[data-test=check-panel] [data-status=failed]"))).isEmpty();
        browser.screenshot("check");
    }

    @Test
    void thePlanShowsAPendingSchemaChangeWithTheWaysOnAndTheRunPageTheOneItApplied() throws Exception {
        // A source table of its own: the shared one stays as the other tests expect it.
        TestServer.sourceTable(t.dataDir.resolve("evolving.db"), "items", 3);
        assertThat(t.put("/api/v1/connections/evolving", t.admin, "{\"type\": \"sqlite\", \"path\": \"evolving.db\"}").status()).isEqualTo(201);
        apiModel("evolving", "{\"connection\": \"evolving\", \"table\": \"items\", \"primary_key\": [\"id\"]}");
        apiSync("evolving_items", "{\"model\": \"evolving\", \"destination\": \"dst\", \"table\": \"evolving_items\", "
                + "\"schema_policy\": {\"column_added\": \"pause\"}}");
        assertThat(runToEnd("evolving_items").status()).isEqualTo(RunStatus.SUCCEEDED);
        TestServer.execute(t.dataDir.resolve("evolving.db"), "alter table items add column note text");

        login(t.operator);
        open("#/syncs/evolving_items");
        browser.click(By.cssSelector("[data-test=plan]"));
        browser.awaitText(By.cssSelector("[data-test=plan-schema-changes]"), "note");
        assertThat(browser.await(By.cssSelector("[data-test=plan-schema-changes] li[data-action=pause]")).getText())
                .isEqualTo("column note (string) added: pause (schema_policy column_added)");
        // The ways on are the engine's, for this sync's type: a full_refresh sync is rebuilt by a resync.
        WebElement stop = browser.await(By.cssSelector("[data-test=plan-schema-stop]"));
        assertThat(stop.getText()).startsWith("The next run stops at these changes before writing anything. Choices: "
                + "tidemark resync evolving_items rebuilds the destination in the new shape");
        assertThat(stop.findElement(By.tagName("code")).getText()).isEqualTo("tidemark resync evolving_items");
        browser.screenshot("plan-schema-changes");

        var propagate = t.patch("/api/v1/syncs/evolving_items", t.admin, "{\"schema_policy\": {\"column_added\": \"propagate\"}}");
        assertThat(propagate.status()).as(propagate.body()).isEqualTo(200);
        RunRecord run = runToEnd("evolving_items");
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        open("#/runs/" + run.id());
        awaitRunStatus("succeeded");
        assertThat(browser.await(By.cssSelector("[data-test=schema-changes] li[data-action=propagate]")).getText())
                .isEqualTo("column note (string) added: propagate (schema_policy column_added)");
        browser.screenshot("run-schema-changes");
    }

    @Test
    void aRunningRunUpdatesLiveWithoutReloadingThePage(PostgresServer pg) throws Exception {
        // A source that takes a millisecond per row, in batches of 100: the run lasts seconds on any machine, and its
        // rows arrive all along.
        String slow = pg.createDatabase("slow");
        assertThat(t.put("/api/v1/connections/slow", t.admin, "{\"type\": \"postgres\", \"url\": \"" + pg.jdbcUrl(slow)
                + "\", \"user\": \"postgres\"}").status()).isEqualTo(201);
        apiModel("slow_rows", "{\"connection\": \"slow\", \"query\": \"select g as id, 'row ' || g || pg_sleep(0.001)::text as name "
                + "from generate_series(1, 3000) g\"}");
        apiSync("slow_copy", "{\"model\": \"slow_rows\", \"destination\": \"dst\", \"table\": \"slow_copy\", \"batch_size\": 100}");
        login(t.operator);
        open("#/syncs/slow_copy");
        browser.click(By.cssSelector("[data-test=run-now]"));
        browser.await(By.cssSelector("[data-test=run-page][data-status=running]"));
        browser.driver().executeScript("window.tidemarkTestMarker = 'same page'");
        // The counts move on the open page while the run goes on.
        new WebDriverWait(browser.driver(), Browser.TIMEOUT).until(d -> {
            WebElement page = d.findElement(By.cssSelector("[data-test=run-page]"));
            if (!"running".equals(page.getDomAttribute("data-status"))) {
                throw new AssertionError("the run ended before the page showed it moving: " + page.getText());
            }
            return d.findElement(By.cssSelector("[data-test=progress]")).getText().matches("(?s)[1-9][0-9,]* rows read.*");
        });
        browser.screenshot("run-live");

        awaitRunStatus("succeeded");
        assertThat(count("rows_written")).isEqualTo("3,000");
        assertThat(browser.driver().executeScript("return window.tidemarkTestMarker")).as("the page was not reloaded").isEqualTo("same page");
    }

    @Test
    void aCdcSyncShowsItsReplicationSlotAndItsLag(PostgresServer pg) throws Exception {
        String shop = pg.createDatabase("shop");
        pg.execute(shop, "create table orders (id bigint primary key, status text)", "insert into orders values (1, 'new')");
        try {
            assertThat(t.put("/api/v1/connections/shop", t.admin, "{\"type\": \"postgres\", \"url\": \"" + pg.jdbcUrl(shop)
                    + "\", \"user\": \"postgres\"}").status()).isEqualTo(201);
            apiModel("orders", "{\"connection\": \"shop\", \"table\": \"public.orders\"}");
            apiSync("orders_cdc", "{\"model\": \"orders\", \"destination\": \"dst\", \"table\": \"orders\", \"sync_type\": \"cdc\"}");
            long runId = t.post("/api/v1/syncs/orders_cdc/runs", t.operator).json().path("run").path("run_id").asLong();
            assertThat(t.awaitFinished(runId, Duration.ofSeconds(60)).status()).isEqualTo(RunStatus.SUCCEEDED);
            // Written after the run: the slot holds this change until the next run, so it has lag.
            pg.execute(shop, "insert into orders select g, 'later' from generate_series(2, 1000) g");

            login(t.operator);
            open("#/syncs/orders_cdc");
            browser.awaitText(By.cssSelector("[data-test=capture-lag]"), "idle, confirmed");
            String lag = browser.await(By.cssSelector("[data-test=capture-lag] dd")).getText();
            assertThat(lag).as("lag in bytes").matches("[1-9][0-9.]* (B|KiB|MiB)");
            browser.await(By.cssSelector("[data-test=reset-tracking]"));
            browser.screenshot("cdc-slot-lag");
        } finally {
            assertThat(t.delete("/api/v1/syncs/orders_cdc", t.admin).status()).isEqualTo(204);
            pg.execute(shop, "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = current_database()");
        }
    }

    @Test
    void aReadOnlyTokenSeesNoButtonsThatChangeAnything() {
        apiSync("watched_items", "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"watched_items\"}");
        login(t.reader);
        open("#/syncs");
        browser.await(By.cssSelector("tr[data-sync=watched_items]"));
        assertThat(browser.driver().findElements(By.cssSelector("[data-test=new-sync]"))).isEmpty();
        open("#/syncs/watched_items");
        browser.await(By.cssSelector("[data-test=settings]"));
        assertThat(browser.driver().findElements(By.cssSelector("main button"))).as("no operation, no save").isEmpty();
        assertThat(browser.driver().findElements(By.cssSelector("[data-test=settings-editor]"))).isEmpty();
        browser.screenshot("sync-read-only");
        open("#/connections");
        browser.await(By.cssSelector("[data-test=connections]"));
        assertThat(browser.driver().findElements(By.cssSelector("main button"))).isEmpty();
        assertThat(browser.driver().findElements(By.cssSelector("[data-test=new-connection]"))).isEmpty();
    }

    @Test
    void theAuditTrailListsOperationsAndDownloadsAsCsv() throws Exception {
        apiSync("audited_items", "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"audited_items\"}");
        t.post("/api/v1/syncs/audited_items/pause", t.operator);
        login(t.reader);
        open("#/audit");
        browser.type(By.cssSelector("[data-test=filter-target]"), "sync/audited_items");
        browser.click(By.cssSelector("[data-test=apply-filters]"));
        browser.awaitText(By.cssSelector("[data-test=audit] tbody tr"), "pause");
        assertThat(browser.driver().findElements(By.cssSelector("[data-test=audit] tbody tr"))).hasSize(2);
        browser.screenshot("audit");

        browser.click(By.cssSelector("[data-test=audit-csv]"));
        Path csv = browser.awaitDownload("tidemark-audit", Duration.ofSeconds(15));
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).contains("actor").contains("action").contains("target");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("operator-token").contains("pause").contains("sync/audited_items");
        assertThat(t.store.audit(new AuditQuery(Optional.of("sync/audited_items"), Optional.empty(), Optional.empty(), 0, 10))).hasSize(2);
    }

    @Test
    void worksAtPhoneWidthAndWithTheKeyboard() {
        apiSync("phone_items", "{\"model\": \"items\", \"destination\": \"dst\", \"table\": \"phone_items\"}");
        login(t.admin);
        browser.resize(Browser.PHONE);
        for (String page : List.of("#/syncs", "#/syncs/phone_items", "#/connections", "#/audit", "#/runs")) {
            open(page);
            browser.await(By.tagName("h1"));
            assertThat((Boolean) browser.driver().executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("no sideways scrolling of %s at phone width", page).isTrue();
            browser.screenshot("phone-" + page.replaceAll("[^a-z_]", "-"));
        }

        // The delete-data confirmation: reached with Tab, cancelled with Escape, nothing deleted.
        browser.resize(Browser.LAPTOP);
        open("#/syncs/phone_items");
        browser.await(By.cssSelector("[data-test=delete-data]"));
        assertThat(tabUntil("[data-test=delete-data]", 40)).as("Delete data is reachable with Tab").isTrue();
        browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.await(By.cssSelector("dialog[open]"));
        assertThat(browser.await(By.cssSelector("[data-test=confirm]")).isEnabled()).as("typing the name comes first").isFalse();
        browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
        assertThat(browser.driver().findElements(By.cssSelector("dialog[open]"))).isEmpty();
        assertThat(t.store.audit(new AuditQuery(Optional.of("sync/phone_items"), Optional.empty(), Optional.empty(), 0, 10)))
                .noneMatch(e -> e.action().equals("delete-data"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Presses Tab until the element matching {@code css} has the focus; false if it never gets it. */
    private boolean tabUntil(String css, int presses) {
        WebElement target = browser.driver().findElement(By.cssSelector(css));
        for (int i = 0; i < presses; i++) {
            browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
            if (browser.driver().switchTo().activeElement().equals(target)) return true;
        }
        return false;
    }

    /** The password of connection crm_pg as the state store holds it. */
    private static String storedPassword() throws Exception {
        JsonNode document = ApiJson.MAPPER.readTree(t.store.latestWorkspace().orElseThrow().document());
        return document.path("connections").path("crm_pg").path("password").asText();
    }

    /** Logs out whoever is logged in (the page's own button), then logs in with {@code token}. */
    private void login(String token) {
        browser.open(url(""));
        browser.await(By.cssSelector("[name=token], [data-test=who]"));
        if (browser.driver().findElements(By.name("token")).isEmpty()) browser.click(By.xpath("//button[text()='Log out']"));
        browser.type(By.name("token"), token);
        browser.driver().findElement(By.name("token")).sendKeys(Keys.ENTER);
        browser.await(By.cssSelector("[data-test=who]"));
    }

    private void open(String hash) {
        browser.open(url(hash));
        browser.await(By.tagName("h1"));
    }

    private String url(String hash) { return "http://127.0.0.1:" + t.server.port() + "/ui/" + hash; }

    private void createSqliteConnection(String name, String path) {
        browser.click(By.linkText("Connections"));
        browser.click(By.cssSelector("[data-test=new-connection]"));
        browser.type(By.name("name"), name);
        new Select(browser.await(By.name("type"))).selectByValue("sqlite");
        browser.type(By.cssSelector("input[data-field=path]"), path);
        browser.click(By.cssSelector("[data-test=save-connection]"));
        browser.awaitText(By.cssSelector("[data-test=connections]"), name);
    }

    private void selectWhenOffered(By select, String value) {
        browser.await(By.cssSelector("select[name=table] option[value='" + value + "']"));
        new Select(browser.await(select)).selectByValue(value);
    }

    private void awaitRunStatus(String status) {
        browser.await(By.cssSelector("[data-test=run-page][data-status=" + status + "]"));
    }

    private String count(String name) {
        return browser.await(By.cssSelector("[data-count=" + name + "]")).getText();
    }

    private static RunRecord runToEnd(String sync) throws InterruptedException {
        return t.awaitFinished(t.post("/api/v1/syncs/" + sync + "/runs", t.operator).json().path("run").path("run_id").asLong(), Duration.ofSeconds(30));
    }

    private static void apiModel(String name, String json) {
        var answer = t.put("/api/v1/models/" + name, t.admin, json);
        assertThat(answer.status()).as(answer.body()).isIn(200, 201);
    }

    /** A sync over the shared source table (and the {@code src}, {@code dst} connections and {@code items} model). */
    private static void apiSync(String name, String json) {
        if (t.get("/api/v1/models/items", t.admin).status() == 404) {
            assertThat(t.put("/api/v1/connections/src", t.admin, "{\"type\": \"sqlite\", \"path\": \"source.db\"}").status()).isEqualTo(201);
            assertThat(t.put("/api/v1/connections/dst", t.admin, "{\"type\": \"sqlite\", \"path\": \"dest.db\"}").status()).isEqualTo(201);
            apiModel("items", "{\"connection\": \"src\", \"table\": \"items\", \"primary_key\": [\"id\"]}");
        }
        var answer = t.put("/api/v1/syncs/" + name, t.admin, json);
        assertThat(answer.status()).as(answer.body()).isIn(200, 201);
    }
}
