package io.tidemark.cli;

import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import io.tidemark.testkit.WideTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills the CLI process ({@code kill -9}, a separate JVM) in the middle of multi-million-row runs and proves that the
 * next run leaves the destination equal to the source: same row count and the same checksum over all columns, so
 * no row is lost and none is duplicated. The kill moments are random (seeded and printed) within the phase where
 * the run is writing.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class CrashRecoveryTest {
    private static final long ROWS = 2_000_000;
    private static final long SEED = Long.getLong("tidemark.crash.seed", System.nanoTime());

    @TempDir Path dir;

    private final SplittableRandom random = new SplittableRandom(SEED);

    @Test
    void fullRefreshIntoPostgresKilledMidRunKeepsTheOldTableAndTheNextRunMatchesTheSource(PostgresServer pg) throws Exception {
        Fixture f = fixture(pg, "postgres");
        pg.execute(f.source, WideTable.createSql("big"), WideTable.fillSql("big", 1, ROWS));
        assertThat(cli(f, "run", "full").await(300)).isZero();
        List<Object> before = checksum(pg, f.destination, "big_full");

        pg.execute(f.source, WideTable.touchSql("big", 10, 1), WideTable.fillSql("big", ROWS + 1, ROWS + 100_000));
        killMidRun(f, "full", () -> copyInProgress(pg, f.destination), 1500, () -> { });
        assertThat(checksum(pg, f.destination, "big_full")).as("old table intact after the kill").isEqualTo(before);

        assertThat(cli(f, "run", "full").await(300)).isZero();
        assertThat(checksum(pg, f.destination, "big_full")).isEqualTo(checksum(pg, f.source, "big"));
    }

    @Test
    void incrementalIntoPostgresKilledMidRunResumesExactlyOnce(PostgresServer pg) throws Exception {
        Fixture f = fixture(pg, "postgres");
        pg.execute(f.source, WideTable.createSql("big"), WideTable.fillSql("big", 1, ROWS));
        killMidRun(f, "incr", () -> copyInProgress(pg, f.destination), 1500, () -> pg.execute(f.source, WideTable.touchSql("big", 2, 1)));
        assertThat(cli(f, "run", "incr").await(300)).isZero();
        assertThat(checksum(pg, f.destination, "big_incr")).isEqualTo(checksum(pg, f.source, "big"));

        // Each round raises the cursor above every earlier round's, so every change is above the mark.
        pg.execute(f.source, WideTable.touchSql("big", 4, 2), WideTable.fillSql("big", ROWS + 1, ROWS + 100_000),
                "update big set seq = seq + 2000000000000 where id > " + ROWS);
        killMidRun(f, "incr", () -> copyInProgress(pg, f.destination), 1500, () -> pg.execute(f.source, WideTable.touchSql("big", 4, 3)));
        assertThat(cli(f, "run", "incr").await(300)).isZero();
        assertThat(checksum(pg, f.destination, "big_incr")).isEqualTo(checksum(pg, f.source, "big"));
    }

    @Test
    void incrementalIntoDuckDbKilledMidRunResumesExactlyOnce(PostgresServer pg) throws Exception {
        Fixture f = fixture(pg, "duckdb");
        pg.execute(f.source, WideTable.createSql("big"), WideTable.fillSql("big", 1, ROWS));
        killMidRun(f, "incr", null, 8000, () -> pg.execute(f.source, WideTable.touchSql("big", 2, 1)));
        assertThat(cli(f, "run", "incr").await(600)).isZero();
        pg.execute(f.source, WideTable.touchSql("big", 10, 2));
        killMidRun(f, "incr", null, 1500, () -> pg.execute(f.source, WideTable.touchSql("big", 10, 3)));
        assertThat(cli(f, "run", "incr").await(600)).isZero();

        assertThat(rowDigest(DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("wh.duckdb")), "big_incr"))
                .isEqualTo(rowDigest(pg.connect(f.source), "big"));
    }

    private record Fixture(String source, String destination, Path workspace) {}

    private Fixture fixture(PostgresServer pg, String destinationType) throws Exception {
        String source = pg.createDatabase("crash_src");
        String destination = pg.createDatabase("crash_dst");
        String dst = destinationType.equals("postgres")
                ? "{ type: postgres, url: \"" + pg.jdbcUrl(destination) + "\", user: postgres }"
                : "{ type: duckdb, path: wh.duckdb }";
        Path workspace = dir.resolve("tidemark.yaml");
        Files.writeString(workspace, """
                connections:
                  src: { type: postgres, url: "%s", user: postgres }
                  dst: %s
                models:
                  big: { connection: src, table: public.big, primary_key: [id] }
                syncs:
                  full: { model: big, destination: dst, table: big_full, sync_type: full_refresh }
                  incr: { model: big, destination: dst, table: big_incr, sync_type: incremental, cursor_field: seq, cursor_type: integer }
                """.formatted(pg.jdbcUrl(source), dst));
        System.out.println("CrashRecoveryTest seed " + SEED + " (rerun with -Dtidemark.crash.seed=" + SEED + ")");
        return new Fixture(source, destination, workspace);
    }

    private CliProcess cli(Fixture f, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "-f=" + f.workspace;
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return CliProcess.start(dir, Map.of(), all);
    }

    /**
     * Starts a run, waits until it is writing (or, without a probe, until it reports it started), lets it go on for a
     * random moment below {@code maxDelayMillis} and kills it. If the run finished first, {@code rearm} gives the next
     * run work again (a completed incremental run leaves nothing to do) and it retries with a shorter moment, so the
     * kill really lands mid-run.
     */
    private void killMidRun(Fixture f, String sync, BooleanSupplier writing, long maxDelayMillis, Runnable rearm) throws Exception {
        for (int attempt = 0; attempt < 4; attempt++) {
            CliProcess run = cli(f, "run", sync);
            BooleanSupplier ready = writing != null ? writing : () -> run.output().contains("started");
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!ready.getAsBoolean() && run.process().isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            Thread.sleep(random.nextLong(1, Math.max(2, maxDelayMillis >> attempt)));
            if (run.process().isAlive()) {
                run.kill9();
                return;
            }
            System.out.println("run finished before the kill (attempt " + attempt + "); retrying sooner:\n" + run.output());
            rearm.run();
        }
        throw new AssertionError("could not kill a run of " + sync + " while it was writing");
    }

    private static boolean copyInProgress(PostgresServer pg, String database) {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where datname = '" + database
                     + "' and state = 'active' and query ilike '%copy%'")) {
            rs.next();
            return rs.getLong(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Object> checksum(PostgresServer pg, String database, String table) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(WideTable.checksumSql(table))) {
            rs.next();
            return List.of(rs.getLong(1), rs.getObject(2) == null ? "" : rs.getObject(2).toString());
        }
    }

    /** Row count and an MD5 over every column of every row in key order, comparable across databases. */
    private static String rowDigest(Connection connection, String table) throws Exception {
        try (connection; Statement s = connection.createStatement()) {
            s.setFetchSize(10_000);
            if (connection.getMetaData().getURL().startsWith("jdbc:postgresql")) connection.setAutoCommit(false);
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            long rows = 0;
            try (ResultSet rs = s.executeQuery("select id, seq, qty, bucket, price, weight, ratio, score, name, city, email, sku, tag, note, "
                    + "created, shipped, due from " + table + " order by id")) {
                int columns = rs.getMetaData().getColumnCount();
                StringBuilder row = new StringBuilder();
                while (rs.next()) {
                    row.setLength(0);
                    for (int i = 1; i <= columns; i++) {
                        Object v = rs.getObject(i);
                        row.append(v instanceof Number n && !(v instanceof Double) ? new BigDecimal(n.toString()).toPlainString()
                                : v instanceof java.sql.Date d ? d.toLocalDate() : String.valueOf(v)).append('|');
                    }
                    md5.update(row.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    rows++;
                }
            }
            return rows + ":" + HexFormat.of().formatHex(md5.digest());
        }
    }
}
