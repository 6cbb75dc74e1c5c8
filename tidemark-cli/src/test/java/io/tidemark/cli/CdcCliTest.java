package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run --follow} stopped by SIGTERM, and {@code status}, through the real CLI in its own JVM. */
@ExtendWith(EmbeddedPostgresExtension.class)
class CdcCliTest {
    @TempDir Path dir;
    private final PostgresServer pg;
    private final String shop;
    private final String wh;

    CdcCliTest(PostgresServer pg) {
        this.pg = pg;
        this.shop = pg.createDatabase("shop");
        this.wh = pg.createDatabase("wh");
        pg.execute(shop, "create table orders (id bigint primary key, status text)", "insert into orders values (1, 'new')");
    }

    @AfterEach
    void dropSlots() {
        pg.execute(shop, "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = current_database() and not active");
    }

    private String[] args(String... args) throws Exception {
        Path workspace = dir.resolve("tidemark.yaml");
        Files.writeString(workspace, """
                connections:
                  shop: { type: postgres, url: "%s", user: postgres }
                  wh: { type: postgres, url: "%s", user: postgres }
                models:
                  orders: { connection: shop, table: public.orders }
                syncs:
                  orders_cdc: { model: orders, destination: wh, table: orders, sync_type: cdc }
                """.formatted(pg.jdbcUrl(shop), pg.jdbcUrl(wh)));
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "-f=" + workspace;
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return all;
    }

    @Test
    void aFollowingRunAppliesChangesLiveAndSigtermCommitsAndExitsCleanly() throws Exception {
        CliProcess follow = CliProcess.start(dir, Map.of(), args("run", "orders_cdc", "--follow"));
        try {
            awaitOrders(follow, "1:new");
            pg.execute(shop, "insert into orders values (2, 'live')", "update orders set status = 'paid' where id = 1");
            // Two source transactions: wait for both, the second may still be on its way when the first is applied.
            awaitOrders(follow, "1:paid,2:live");
            assertThat(follow.process().isAlive()).as("still following").isTrue();
            follow.process().destroy(); // SIGTERM
            assertThat(follow.await(60)).as(follow.output()).isZero();
        } finally {
            follow.process().destroyForcibly();
        }
        assertThat(follow.output()).contains("succeeded");
        assertThat(query(wh, "select string_agg(id || ':' || status, ',' order by id) from orders")).isEqualTo("1:paid,2:live");

        CliResult status = CliProcess.run(dir, Map.of(), args("status", "orders_cdc", "--json"));
        assertThat(status.exit()).as(status.output()).isZero();
        JsonNode json = status.json();
        assertThat(json.path("last_run").path("status").asText()).isEqualTo("succeeded");
        assertThat(json.path("capture").path("active").asBoolean()).as("the slot stays, idle").isFalse();
        assertThat(json.path("capture").has("lag_bytes")).isTrue();
        assertThat(json.path("checkpoint").asText()).contains("\"type\":\"log\"");

        CliResult text = CliProcess.run(dir, Map.of(), args("status", "orders_cdc"));
        assertThat(text.output()).contains("lag:").contains("of log kept");
    }

    @Test
    void followRunsExactlyOneSync() throws Exception {
        CliResult two = CliProcess.run(dir, Map.of(), args("run", "orders_cdc", "other", "--follow"));
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.output()).contains("--follow runs exactly one sync");
    }

    /** Waits until the destination's orders read {@code expected} (id:status, by id). */
    private void awaitOrders(CliProcess follow, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && follow.process().isAlive()) {
            try {
                if (expected.equals(query(wh, "select string_agg(id || ':' || status, ',' order by id) from orders"))) return;
            } catch (SQLException notYet) {
                // the table appears with the snapshot
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the destination never read " + expected + "; output:\n" + follow.output());
    }

    private String query(String database, String sql) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
