package io.tidemark.engine;

import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A concurrent update workload runs on the source while a following cdc run, in its own JVM, is killed with SIGKILL
 * several times at random moments and restarted. Afterwards the mirror equals the source (count and checksum over
 * every column) and the change log holds every committed source change exactly once: per row, each update's counter
 * is the previous one plus one, and the number of inserts, updates and deletes equals what the workload committed.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class CdcCrashTest {
    private static final int ACCOUNTS = 200;
    private static final int KILLS = 4;
    private static final int WORKERS = 3;

    /** Kept when the test fails: the children's output is in {@code child-N.err}. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void killedAgainAndAgainWhileStreamingTheDestinationEndsEqualToTheSourceWithEveryChangeOnce(PostgresServer pg) throws Exception {
        String bank = pg.createDatabase("bank");
        String wh = pg.createDatabase("wh");
        pg.execute(bank, "create table accounts (id bigint primary key, v bigint not null, payload text)",
                "create sequence account_ids start " + (ACCOUNTS + 1),
                "insert into accounts select g, 0, md5(g::text) from generate_series(1, " + ACCOUNTS + ") g");
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, """
                connections:
                  bank: { type: postgres, url: "%s", user: postgres }
                  wh: { type: postgres, url: "%s", user: postgres }
                models:
                  accounts: { connection: bank, table: public.accounts }
                syncs:
                  accounts_cdc: { model: accounts, destination: wh, table: accounts, sync_type: cdc, cdc_table_mode: both, batch_size: 500 }
                """.formatted(pg.jdbcUrl(bank), pg.jdbcUrl(wh)));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Workload workload = new Workload(pg, bank, seed);
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                Process child = follow(file, kill);
                try {
                    if (kill == 0) {
                        // Changes start once the snapshot is loaded, so every one of them must come through the log.
                        awaitSnapshot(pg, wh, child);
                        workload.start();
                    }
                    Thread.sleep(1500 + random.nextInt(2500));
                    assertThat(child.isAlive()).as("the following run is still running (seed " + seed + ")").isTrue();
                } finally {
                    child.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no acknowledgement
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
            }
        } finally {
            workload.stop();
        }
        try (SyncEngine engine = DiffSyncTest.openEngine(file, dir)) {
            RunRecord catchUp = engine.run("accounts_cdc", "manual", RunListener.NONE);
            assertThat(catchUp.status()).as(catchUp.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
        }

        String checksum = "select count(*) || ':' || md5(coalesce(string_agg(a::text, '|' order by id), '')) from accounts a";
        assertThat(one(pg, wh, checksum)).as("mirror = source (seed " + seed + ")").isEqualTo(one(pg, bank, checksum));
        assertEveryChangeOnce(pg, bank, wh, workload, seed);
        assertThat(workload.updates.get()).as("the workload ran").isGreaterThan(500);
    }

    private void assertEveryChangeOnce(PostgresServer pg, String bank, String wh, Workload workload, long seed) throws SQLException {
        Map<Long, Long> source = new HashMap<>();
        try (Connection c = pg.connect(bank); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, v from accounts")) {
            while (rs.next()) source.put(rs.getLong(1), rs.getLong(2));
        }
        Map<Long, Long> last = new HashMap<>();
        Map<Long, Boolean> deleted = new HashMap<>();
        Map<String, Long> ops = new HashMap<>();
        try (Connection c = pg.connect(wh); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id, _tidemark_op, v from accounts_changelog order by _tidemark_position, _tidemark_change_seq")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                String op = rs.getString(2);
                long v = rs.getLong(3);
                ops.merge(op, 1L, Long::sum);
                String where = "account " + id + " " + op + " v=" + v + " (seed " + seed + ")";
                assertThat(deleted.getOrDefault(id, false)).as("nothing after the delete of " + where).isFalse();
                switch (op) {
                    case "snapshot", "insert" -> {
                        assertThat(last).as("first appearance of " + where).doesNotContainKey(id);
                        last.put(id, v);
                    }
                    case "update" -> {
                        assertThat(last).as("update of a known account: " + where).containsKey(id);
                        assertThat(v).as("each update exactly once, in order: " + where).isEqualTo(last.get(id) + 1);
                        last.put(id, v);
                    }
                    case "delete" -> deleted.put(id, true);
                    default -> throw new AssertionError("unexpected operation " + where);
                }
            }
        }
        assertThat(ops.get("snapshot")).as("one snapshot (seed " + seed + ", output in " + dir + "): " + String.join(", ", rows(pg, wh,
                "select _tidemark_lsn || ' run ' || _tidemark_run_id || ': ' || count(*) from accounts_changelog where _tidemark_op = 'snapshot' group by _tidemark_lsn, _tidemark_run_id")))
                .isEqualTo(ACCOUNTS);
        assertThat(ops.getOrDefault("insert", 0L)).isEqualTo(workload.inserts.get());
        assertThat(ops.getOrDefault("update", 0L)).isEqualTo(workload.updates.get());
        assertThat(ops.getOrDefault("delete", 0L)).isEqualTo(workload.deletes.get());
        last.forEach((id, v) -> {
            if (deleted.getOrDefault(id, false)) assertThat(source).doesNotContainKey(id);
            else assertThat(source.get(id)).as("account " + id).isEqualTo(v);
        });
        assertThat(last.keySet()).containsAll(source.keySet());
    }

    private Process follow(Path file, int n) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), CdcFollowMain.class.getName(),
                file.toString(), "accounts_cdc"));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("child-" + n + ".err").toFile()).start();
    }

    /** Until the first run has loaded the snapshot into both tables. */
    private void awaitSnapshot(PostgresServer pg, String wh, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && child.isAlive()) {
            try {
                if (one(pg, wh, "select count(*) from accounts").equals(String.valueOf(ACCOUNTS))) return;
            } catch (SQLException notYet) {
                // the mirror appears, whole, when its snapshot commits (after the change log's)
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the following run never loaded its snapshot: " + Files.readString(dir.resolve("child-0.err")));
    }

    private static List<String> rows(PostgresServer pg, String database, String sql) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }

    private static String one(PostgresServer pg, String database, String sql) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** pgbench-like: small transactions updating, inserting and deleting accounts; counts what committed. */
    private static final class Workload {
        final AtomicLong updates = new AtomicLong();
        final AtomicLong inserts = new AtomicLong();
        final AtomicLong deletes = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final PostgresServer pg;
        private final String database;
        private final long seed;

        Workload(PostgresServer pg, String database, long seed) {
            this.pg = pg;
            this.database = database;
            this.seed = seed;
        }

        void start() {
            for (int w = 0; w < WORKERS; w++) {
                Random random = new Random(seed + w);
                threads.add(Thread.ofPlatform().name("workload-" + w).start(() -> work(random)));
            }
        }

        private void work(Random random) {
            try (Connection c = pg.connect(database);
                 PreparedStatement update = c.prepareStatement("update accounts set v = v + 1, payload = md5(random()::text) where id = ?");
                 PreparedStatement insert = c.prepareStatement("insert into accounts values (nextval('account_ids'), 0, 'new')");
                 PreparedStatement delete = c.prepareStatement("delete from accounts where id = ?")) {
                c.setAutoCommit(false);
                while (running.get()) {
                    long[] ids = random.longs(1 + random.nextInt(3), 1, ACCOUNTS + 1).sorted().distinct().toArray();
                    long u = 0;
                    long i = 0;
                    long d = 0;
                    try {
                        for (long id : ids) {
                            update.setLong(1, id);
                            u += update.executeUpdate();
                        }
                        if (random.nextInt(10) == 0) i += insert.executeUpdate();
                        if (random.nextInt(40) == 0) {
                            delete.setLong(1, ACCOUNTS + 1 + random.nextInt(200));
                            d += delete.executeUpdate();
                        }
                        c.commit();
                        updates.addAndGet(u);
                        inserts.addAndGet(i);
                        deletes.addAndGet(d);
                    } catch (SQLException e) {
                        c.rollback(); // a deadlock or serialization failure: nothing of it committed
                    }
                    Thread.sleep(2);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) t.join(30_000);
        }
    }
}
