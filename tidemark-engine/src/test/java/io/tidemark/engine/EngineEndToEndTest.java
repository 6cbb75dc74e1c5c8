package io.tidemark.engine;

import io.tidemark.api.ErrorCode;
import io.tidemark.engine.checkpoint.Checkpoint;
import io.tidemark.engine.checkpoint.CheckpointCodec;
import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.store.CheckpointVersion;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;
import io.tidemark.api.TidemarkException;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whole runs through real connectors: SQLite and Postgres sources, DuckDB, Postgres, SQLite and file destinations. */
@ExtendWith(EmbeddedPostgresExtension.class)
class EngineEndToEndTest {
    @TempDir Path dir;

    private SyncEngine engine(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, yaml);
        ConnectorRegistry registry = ConnectorRegistry.load();
        return SyncEngine.builder().workspace(new WorkspaceLoader(registry, env::get).load(file))
                .stateStore(StateStore.defaultSqlite(dir, Clock.systemUTC())).registry(registry).build();
    }

    private static final String SQLITE_TO_DUCKDB = """
            connections:
              app: { type: sqlite, path: app.sqlite }
              wh:  { type: duckdb, path: wh.duckdb }
            models:
              orders: { connection: app, table: orders, primary_key: [id] }
            syncs:
              full:   { model: orders, destination: wh, table: orders_full, sync_type: full_refresh }
              incr:   { model: orders, destination: wh, table: orders_incr, sync_type: incremental, cursor_field: updated_at, cursor_type: timestamp, cursor_lookback: 1hour }
              hist:   { model: orders, destination: wh, table: orders_hist, sync_type: append, cursor_field: updated_at, cursor_type: timestamp }
              wrong:  { model: orders, destination: wh, table: x, sync_type: incremental, cursor_field: status, cursor_type: timestamp }
            """;

    private void sqlite(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    private List<List<Object>> duck(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("wh.duckdb")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
                rows.add(row);
            }
            return rows;
        }
    }

    private void duckExecute(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("wh.duckdb")); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    private void seedOrders() throws SQLException {
        sqlite("create table orders (id bigint primary key, status varchar(16), total decimal(10,2), updated_at timestamp not null)",
                "insert into orders values (1, 'placed', 10.50, '2026-03-01T10:00:00'), (2, 'paid', 20.00, '2026-03-01T11:00:00'),"
                        + " (3, 'paid', 30.00, '2026-03-01T12:00:00')");
    }

    @Test
    void fullRefreshReplacesTheTableAndRecordsTheRun() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            RunRecord first = engine.run("full", "manual", RunListener.NONE);
            assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(first.counts().rowsRead()).isEqualTo(3);
            sqlite("delete from orders where id = 1");
            RunRecord second = engine.run("full", "manual", RunListener.NONE);

            assertThat(duck("select id from orders_full order by id")).containsExactly(List.of(2L), List.of(3L));
            assertThat(second.checkpointBefore()).isEqualTo(first.checkpointAfter());
            assertThat(CheckpointCodec.decode(second.checkpointAfter())).isInstanceOfSatisfying(Checkpoint.Refresh.class,
                    r -> assertThat(r.rows()).isEqualTo(2));
            assertThat(engine.runs(Optional.of("full"), 10)).extracting(RunRecord::id).containsExactly(second.id(), first.id());
        }
    }

    @Test
    void incrementalPicksUpRowsAtTheMarkAndLateRowsInsideTheLookback() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            assertThat(engine.run("incr", "manual", RunListener.NONE).counts().rowsWritten()).isEqualTo(3);
            // Same cursor value as the mark, and a late commit 30 minutes older than the mark, and a real update.
            sqlite("insert into orders values (4, 'placed', 40.00, '2026-03-01T12:00:00')",
                    "insert into orders values (5, 'placed', 50.00, '2026-03-01T11:30:00')",
                    "update orders set status = 'shipped', updated_at = '2026-03-01T13:00:00' where id = 1");
            RunRecord second = engine.run("incr", "manual", RunListener.NONE);

            assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(duck("select id, status from orders_incr order by id")).containsExactly(
                    List.of(1L, "shipped"), List.of(2L, "paid"), List.of(3L, "paid"), List.of(4L, "placed"), List.of(5L, "placed"));
            assertThat(((Checkpoint.Cursor) CheckpointCodec.decode(second.checkpointAfter())).value()).isEqualTo("2026-03-01T13:00");
            List<CheckpointVersion> history = engine.checkpoints("incr");
            assertThat(history).extracting(CheckpointVersion::checkpoint).contains(second.checkpointBefore(), second.checkpointAfter());
        }
    }

    @Test
    void appendKeepsEveryVersionOnceWithRunIds() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            RunRecord first = engine.run("hist", "manual", RunListener.NONE);
            sqlite("update orders set status = 'shipped', updated_at = '2026-03-01T13:00:00' where id = 1");
            RunRecord second = engine.run("hist", "manual", RunListener.NONE);
            RunRecord third = engine.run("hist", "manual", RunListener.NONE);

            assertThat(duck("select id, status, _tidemark_run_id from orders_hist order by id, _tidemark_run_id")).containsExactly(
                    List.of(1L, "placed", first.id()), List.of(1L, "shipped", second.id()), List.of(2L, "paid", first.id()),
                    List.of(3L, "paid", first.id()));
            assertThat(third.counts().rowsRead()).as("rows at the mark are re-read").isEqualTo(1);
            assertThat(third.counts().rowsWritten()).as("but not appended again").isZero();

            RunRecord resync = engine.resync("hist", RunListener.NONE);
            assertThat(duck("select id, status, _tidemark_run_id from orders_hist order by id")).containsExactly(
                    List.of(1L, "shipped", resync.id()), List.of(2L, "paid", resync.id()), List.of(3L, "paid", resync.id()));
        }
    }

    @Test
    void aDestinationThatLostItsStateStartsOverInsteadOfSkippingRows() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            engine.run("incr", "manual", RunListener.NONE);
            duckExecute("drop table orders_incr", "delete from _tidemark_state");
            RunRecord next = engine.run("incr", "manual", RunListener.NONE);
            assertThat(next.checkpointBefore()).isNull();
            assertThat(next.counts().rowsWritten()).isEqualTo(3);
            assertThat(engine.checkpoints("incr")).extracting(CheckpointVersion::reason)
                    .contains("destination holds no committed state; starting over");
        }
    }

    @Test
    void aStoreBehindTheDestinationCatchesUpFromTheDestinationState() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            RunRecord first = engine.run("incr", "manual", RunListener.NONE);
            // As if the engine died after the destination committed but before the store recorded it.
            try (StateStore second = StateStore.defaultSqlite(dir, Clock.systemUTC())) {
                second.saveCheckpoint(second.findSync("incr").orElseThrow().id(), null, null, "simulated lag");
            }
            RunRecord next = engine.run("incr", "manual", RunListener.NONE);
            assertThat(next.checkpointBefore()).isEqualTo(first.checkpointAfter());
            assertThat(next.counts().rowsRead()).as("only the rows inside the look-back window").isEqualTo(2);
        }
    }

    @Test
    void aLookbackWindowNeverMovesTheMarkBackwards() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            RunRecord first = engine.run("incr", "manual", RunListener.NONE);
            sqlite("delete from orders where id = 3");
            RunRecord next = engine.run("incr", "manual", RunListener.NONE);
            assertThat(next.counts().rowsRead()).isEqualTo(1);
            assertThat(next.checkpointAfter()).isEqualTo(first.checkpointAfter());
        }
    }

    @Test
    void aCursorTypeMismatchFailsTheRunAndKeepsTheCheckpoint() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            RunRecord run = engine.run("wrong", "manual", RunListener.NONE);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.errorCode()).isEqualTo(ErrorCode.CURSOR_TYPE_MISMATCH.code());
            assertThat(run.errorMessage()).contains("cursor column \"status\"").contains("has type string(16)");
            assertThat(run.checkpointAfter()).isNull();
            assertThat(engine.check(List.of("wrong"))).anySatisfy(item -> assertThat(item.report().problems())
                    .anySatisfy(p -> assertThat(p.code()).isEqualTo(ErrorCode.CURSOR_TYPE_MISMATCH)));
        }
    }

    @Test
    void aMissingTableFailsTheRunWithItsName() throws Exception {
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            sqlite("create table other (id integer)");
            RunRecord run = engine.run("full", "manual", RunListener.NONE);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.errorCode()).isEqualTo(ErrorCode.TABLE_NOT_FOUND.code());
            assertThat(run.errorMessage()).contains("orders");
        }
    }

    @Test
    void pausedSyncsAreRefusedUntilResumed() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            engine.pause("full");
            assertThatThrownBy(() -> engine.run("full", "manual", RunListener.NONE))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SYNC_PAUSED))
                    .hasMessageContaining("tidemark resume full");
            engine.resume("full");
            assertThat(engine.run("full", "manual", RunListener.NONE).status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void recoverResumesAPausedSyncAndRunsItFromItsCheckpoint() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            RunRecord first = engine.run("incr", "manual", RunListener.NONE);
            engine.pause("incr");
            RunRecord recovered = engine.recover("incr", "recover", RunListener.NONE);
            assertThat(recovered.status()).as(recovered.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(recovered.trigger()).isEqualTo("recover");
            assertThat(recovered.checkpointBefore()).isEqualTo(first.checkpointAfter());
            assertThat(engine.isPaused("incr")).isFalse();
        }
    }

    @Test
    void anEngineOnASharedStateStoreLeavesItOpenWhenClosed() throws Exception {
        seedOrders();
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, SQLITE_TO_DUCKDB);
        ConnectorRegistry registry = ConnectorRegistry.load();
        var workspace = new WorkspaceLoader(registry, Map.<String, String>of()::get).load(file);
        try (StateStore store = StateStore.defaultSqlite(dir, Clock.systemUTC())) {
            for (int version = 1; version <= 2; version++) {
                try (SyncEngine engine = SyncEngine.builder().workspace(workspace).sharedStateStore(store).registry(registry).build()) {
                    assertThat(engine.run("full", "manual", RunListener.NONE).status()).isEqualTo(RunStatus.SUCCEEDED);
                }
            }
            assertThat(store.runs(Optional.of("full"), 10)).hasSize(2);
        }
    }

    @Test
    void aRunsLogLinesCarryItsSyncAndRunIdsAndTheCallersContextComesBack() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            List<String> seen = new ArrayList<>();
            RunListener listener = new RunListener() {
                @Override public void started(RunRecord run) { seen.add(MDC.get("sync") + "/" + MDC.get("run") + "=" + run.id()); }

                @Override public void finished(RunRecord run) { seen.add(MDC.get("sync") + "/" + MDC.get("run") + "=" + run.id()); }
            };
            MDC.put("sync", "caller");
            try {
                RunRecord run = engine.run("full", "manual", listener);
                assertThat(seen).containsExactly("full/" + run.id() + "=" + run.id(), "full/" + run.id() + "=" + run.id());
                assertThat(MDC.get("sync")).isEqualTo("caller");
                assertThat(MDC.get("run")).isNull();
            } finally {
                MDC.remove("sync");
            }
        }
    }

    @Test
    void resyncReloadsEverythingAndDeleteDataForgetsIt() throws Exception {
        seedOrders();
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            engine.run("incr", "manual", RunListener.NONE);
            // A change that keeps the cursor below the mark is invisible to incremental runs; a resync catches it.
            sqlite("update orders set status = 'corrected' where id = 1");
            RunRecord resync = engine.resync("incr", RunListener.NONE);
            assertThat(resync.checkpointBefore()).isNull();
            assertThat(resync.counts().rowsRead()).isEqualTo(3);
            assertThat(duck("select status from orders_incr where id = 1")).containsExactly(List.of("corrected"));

            engine.deleteData("incr");
            assertThat(duck("select count(*) from information_schema.tables where table_name = 'orders_incr'")).containsExactly(List.of(0L));
            RunRecord next = engine.run("incr", "manual", RunListener.NONE);
            assertThat(next.checkpointBefore()).isNull();
            assertThat(next.counts().rowsWritten()).isEqualTo(3);
        }
    }

    @Test
    void postgresToPostgresMovesRowsWithoutDecodingThem(PostgresServer pg) throws Exception {
        String src = pg.createDatabase("src");
        String dst = pg.createDatabase("dst");
        pg.execute(src, "create table orders (id bigint primary key, note varchar(32), amount numeric(12,2), tags text[], at timestamptz)",
                "insert into orders select g, 'n' || g, g * 1.5, array['a', 'b'], now() from generate_series(1, 5000) g");
        String yaml = """
                connections:
                  src: { type: postgres, url: "%s", user: postgres, password: "${PG_PASSWORD}" }
                  dst: { type: postgres, url: "%s", user: postgres }
                models:
                  orders: { connection: src, table: public.orders, primary_key: [id] }
                syncs:
                  copy: { model: orders, destination: dst, table: orders, sync_type: full_refresh }
                """.formatted(pg.jdbcUrl(src), pg.jdbcUrl(dst));
        List<Progress> progress = new ArrayList<>();
        try (SyncEngine engine = engine(yaml, Map.of("PG_PASSWORD", ""))) {
            RunRecord run = engine.run("copy", "manual", new RunListener() {
                @Override
                public void progress(Progress p) { progress.add(p); }
            });
            assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.counts().rowsWritten()).isEqualTo(5000);
        }
        assertThat(progress.getLast().bytesMoved()).as("rows moved as raw COPY bytes").isPositive();
        String checksum = "select count(*), sum(hashtextextended(t::text, 0)) from orders t";
        try (Connection a = pg.connect(src); Connection b = pg.connect(dst)) {
            assertThat(row(b, checksum)).isEqualTo(row(a, checksum));
        }
    }

    @Test
    void runsAndCheckpointVersionsCanLiveInAPostgresStateStore(PostgresServer pg) throws Exception {
        seedOrders();
        String stateDb = pg.createDatabase("state");
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, SQLITE_TO_DUCKDB + "state_store: \"" + pg.jdbcUrl(stateDb) + "?user=postgres\"\n");
        ConnectorRegistry registry = ConnectorRegistry.load();
        var workspace = new WorkspaceLoader(registry, Map.<String, String>of()::get).load(file);
        try (SyncEngine engine = SyncEngine.builder().workspace(workspace).registry(registry)
                .stateStore(StateStore.open(workspace.stateStoreUrl().orElseThrow(), null, null, Clock.systemUTC())).build()) {
            RunRecord run = engine.run("incr", "manual", RunListener.NONE);
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(engine.checkpoints("incr")).extracting(CheckpointVersion::checkpoint).contains(run.checkpointAfter());
        }
        try (Connection c = pg.connect(stateDb); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from runs")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        assertThat(dir.resolve(".tidemark")).doesNotExist();
    }

    @Test
    void anUnreachableDatabaseFailsTheRunWithAnEnvironmentError() throws Exception {
        String yaml = """
                connections:
                  src: { type: postgres, url: "jdbc:postgresql://127.0.0.1:1/none", user: postgres }
                  wh:  { type: duckdb, path: wh.duckdb }
                models:
                  m: { connection: src, table: public.t }
                syncs:
                  s: { model: m, destination: wh, table: t, sync_type: full_refresh }
                """;
        try (SyncEngine engine = engine(yaml, Map.of())) {
            RunRecord run = engine.run("s", "manual", RunListener.NONE);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.errorCode()).isEqualTo(ErrorCode.CONNECTION_FAILED.code());
            assertThat(run.errorMessage()).contains("127.0.0.1:1");
        }
    }

    @Test
    void aWrongPasswordIsReportedAsAuthenticationWithoutTheSecret(PostgresServer pg) throws Exception {
        String db = pg.createDatabase("auth");
        pg.execute(db, "create table t (id int primary key)");
        // The embedded server trusts local logins, so an unknown role is how a refused login looks here.
        String yaml = """
                connections:
                  src: { type: postgres, url: "%s", user: no_such_role, password: "${PW}" }
                  wh:  { type: duckdb, path: wh.duckdb }
                models:
                  m: { connection: src, table: public.t }
                syncs:
                  s: { model: m, destination: wh, table: t, sync_type: full_refresh }
                """.formatted(pg.jdbcUrl(db));
        try (SyncEngine engine = engine(yaml, Map.of("PW", "wrong-secret-value"))) {
            RunRecord run = engine.run("s", "manual", RunListener.NONE);
            assertThat(run.errorCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
            assertThat(run.errorMessage()).doesNotContain("wrong-secret-value");
            assertThat(engine.check(List.of())).anySatisfy(item -> assertThat(item.report().problems())
                    .anySatisfy(p -> assertThat(p.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED)));
        }
    }

    @Test
    void anIncompatibleDestinationTableIsRefusedAndLeftAsItWas() throws Exception {
        seedOrders();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("wh.duckdb")); Statement s = c.createStatement()) {
            s.execute("create table orders_incr (id bigint primary key, status date)");
            s.execute("insert into orders_incr values (9, date '2026-01-01')");
        }
        try (SyncEngine engine = engine(SQLITE_TO_DUCKDB, Map.of())) {
            RunRecord run = engine.run("incr", "manual", RunListener.NONE);
            assertThat(run.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION.code());
            assertThat(run.errorMessage()).contains("status");
        }
        assertThat(duck("select id from orders_incr")).containsExactly(List.of(9L));
    }

    private static List<Object> row(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
            return row;
        }
    }
}
