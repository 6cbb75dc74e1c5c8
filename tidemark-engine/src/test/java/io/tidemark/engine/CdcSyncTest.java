package io.tidemark.engine;

import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.engine.config.ConnectionConfig;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cdc syncs end to end: a real Postgres source with logical replication, its change log applied to each destination
 * and read back through the destination connector; slots checked in {@code pg_replication_slots}.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class CdcSyncTest {
    @TempDir Path dir;
    private final PostgresServer pg;
    private final String shop;
    private final PostgresSourceFixture fixture;

    CdcSyncTest(PostgresServer pg) {
        this.pg = pg;
        this.fixture = new PostgresSourceFixture(pg);
        this.shop = pg.createDatabase("shop");
        pg.execute(shop, "create table orders (id bigint primary key, status text not null, qty int, note text)",
                "insert into orders values (1, 'new', 1, 'a'), (2, 'new', 2, 'b'), (3, 'paid', 3, null)");
    }

    @AfterEach
    void dropSlots() {
        // A slot left behind would keep the test server's log forever.
        fixture.dropIdleSlots(shop);
    }

    private SyncEngine engine(String destinationType, String syncSettings) throws Exception {
        String yaml = """
                connections:
                  shop: { type: postgres, url: "%s", user: postgres }
                  wh: %s
                models:
                  orders: { connection: shop, table: public.orders }
                syncs:
                  orders_cdc: { model: orders, destination: wh, table: orders, sync_type: cdc%s }
                """.formatted(pg.jdbcUrl(shop), fixture.destination(destinationType), syncSettings.isEmpty() ? "" : ", " + syncSettings);
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, yaml);
        return DiffSyncTest.openEngine(file, dir);
    }

    /** Asserts the run succeeded, showing its error when not. */
    private static RunRecord succeeded(RunRecord run) {
        assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
        return run;
    }

    private void source(String... statements) { pg.execute(shop, statements); }

    /** The source rows as {@code id:status:qty:note}, by id. */
    private List<String> sourceOrders() throws SQLException {
        return query(shop, "select id || ':' || status || ':' || coalesce(qty::text, 'NULL') || ':' || coalesce(note, 'NULL') from orders order by id");
    }

    private List<String> query(String database, String sql) throws SQLException { return fixture.query(database, sql); }

    /** A destination table read back through its own connector, in the source's shape, by id. */
    private List<String> destinationOrders(SyncEngine engine, String table) {
        List<List<Object>> rows = destinationRows(engine, table);
        return rows.stream().map(r -> r.get(0) + ":" + r.get(1) + ":" + (r.get(2) == null ? "NULL" : r.get(2)) + ":"
                + (r.get(3) == null ? "NULL" : r.get(3))).toList();
    }

    private List<List<Object>> destinationRows(SyncEngine engine, String table) {
        ConnectionConfig c = engine.workspace().connection("wh");
        var factory = ConnectorRegistry.load().get(c.type());
        try (Source source = factory.openSource(c.config(), new ConnectorContext(Clock.systemUTC(), dir))) {
            ModelSpec spec = ModelSpec.table(table, new StreamId(null, table), List.of());
            StreamSchema schema = source.describe(spec);
            List<List<Object>> rows = new ArrayList<>();
            try (StreamReader r = source.read(new ReadRequest(spec, schema, SyncType.FULL_REFRESH, Optional.empty(), 1000))) {
                for (RowBatch b = r.next(); b != null; b = r.next()) {
                    for (Object[] row : b.rows()) rows.add(java.util.Arrays.asList(row));
                }
            }
            rows.sort(java.util.Comparator.comparing((List<Object> r) -> ((Number) r.get(0)).longValue())
                    .thenComparing(r -> r.size() > 4 ? String.valueOf(r.get(schema.indexOf(CdcTransfer.POSITION))) : "")
                    .thenComparing(r -> r.size() > 4 ? ((Number) r.get(schema.indexOf(CdcTransfer.SEQ))).longValue() : 0L));
            return rows;
        }
    }

    private List<String> slots() throws SQLException {
        return query(shop, "select slot_name from pg_replication_slots where database = current_database() order by 1");
    }

    private List<String> publications() throws SQLException {
        return query(shop, "select pubname from pg_publication order by 1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "duckdb", "sqlite"})
    void firstRunLoadsTheSnapshotAndLaterRunsApplyInsertsUpdatesDeletesAndTruncates(String destinationType) throws Exception {
        try (SyncEngine engine = engine(destinationType, "")) {
            RunRecord first = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(first.status()).as(first.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
            assertThat(slots()).hasSize(1);

            source("insert into orders values (4, 'new', 4, 'd')", "update orders set status = 'paid', qty = null where id = 1",
                    "delete from orders where id = 2",
                    "begin; update orders set note = 'x' where id = 3; update orders set note = 'y' where id = 3; commit");
            RunRecord second = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(second.status()).as(second.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
            assertThat(second.counts().added()).isEqualTo(1);
            assertThat(second.counts().changed()).isEqualTo(3);
            assertThat(second.counts().removed()).isEqualTo(1);

            source("begin; truncate orders; insert into orders values (9, 'new', 9, 'z'); commit");
            RunRecord third = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(third.status()).as(third.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(destinationOrders(engine, "orders")).containsExactly("9:new:9:z");

            RunRecord idle = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(idle.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(idle.counts().rowsRead()).isZero();
        }
    }

    @Test
    void changesBetweenTheSnapshotAndTheFirstStreamedTransactionArriveExactlyOnce() throws Exception {
        try (SyncEngine engine = engine("postgres", "")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            for (int i = 0; i < 5; i++) {
                source("update orders set qty = qty + 1 where id = 1", "insert into orders values (" + (100 + i) + ", 'n', 0, null)");
                succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            }
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
        }
    }

    @Test
    void changelogKeepsEveryChangeOnceWithItsOperationPositionAndCommitTime() throws Exception {
        try (SyncEngine engine = engine("postgres", "cdc_table_mode: changelog")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("update orders set qty = 10 where id = 1", "update orders set qty = 11 where id = 1", "delete from orders where id = 2");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));

            List<String> log = query(fixture.warehouse(), "select id || ':' || _tidemark_op || ':' || coalesce(qty::text, '-') from orders "
                    + "order by id, _tidemark_position, _tidemark_change_seq");
            assertThat(log).containsExactly("1:snapshot:1", "1:update:10", "1:update:11", "2:snapshot:2", "2:delete:-", "3:snapshot:3");
            assertThat(query(fixture.warehouse(), "select count(*) from orders where _tidemark_commit_time is null or _tidemark_lsn is null"))
                    .containsExactly("0");
            assertThat(query(fixture.warehouse(), "select count(distinct _tidemark_position) from orders where _tidemark_op = 'update'"))
                    .containsExactly("2");
        }
    }

    @Test
    void bothModeKeepsTheMirrorAndTheChangelogTable() throws Exception {
        try (SyncEngine engine = engine("sqlite", "cdc_table_mode: both")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("insert into orders values (4, 'new', 4, 'd')", "delete from orders where id = 1");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
            assertThat(destinationRows(engine, "orders_changelog")).hasSize(5);
        }
    }

    @Test
    void anUnchangedLargeValueIsNotOverwrittenWithNull() throws Exception {
        // Incompressible text beyond the TOAST threshold: Postgres logs it as "unchanged" when another column changes.
        source("update orders set note = (select string_agg(md5(g::text), '') from generate_series(1, 400) g) where id = 3");
        try (SyncEngine engine = engine("postgres", "")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("update orders set qty = 33 where id = 3");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(query(fixture.warehouse(), "select qty || ':' || length(note) from orders where id = 3")).containsExactly("33:12800");
        }
    }

    @Test
    void everyCommonPostgresTypeRoundTripsExactlyIntoPostgres() throws Exception {
        source("create type mood as enum ('sad', 'ok', 'happy')",
                """
                create table all_types (id int primary key, b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
                  n numeric(38, 10), n_any numeric, t text, vc varchar(20), ch char(3), j json, jb jsonb, d date, tm time,
                  ts timestamp, tstz timestamptz, by bytea, u uuid, iv interval, arr int[], tarr text[], m mood)""");
        String edge = """
                insert into all_types values
                (%d, true, -32768, -2147483648, -9223372036854775808, 'NaN', '-Infinity', -1234567890123456789012345678.0123456789,
                 98765432109876543210.0123456789, '', 'héllo ☃', 'ab', '{"a": [1, 2]}', '{"b": null}', '-infinity', '00:00:00', '0001-01-01 00:00:00',
                 'infinity', '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 year 2 mons -3 days 04:05:06.789', '{1,NULL,3}',
                 '{"a b",NULL,"c,d"}', 'happy'),
                (%d, false, 32767, 2147483647, 9223372036854775807, 3.4028235e38, 1.7976931348623157e308, 0.0000000001,
                 123456789012345678901234567890.123456789012345, repeat('x', 10000), 'z', 'xyz', '[]', '{}', '2024-02-29', '23:59:59.999999',
                 '2024-02-29 12:34:56.789012', '2024-02-29 12:34:56.789012+05:30', '', '00000000-0000-0000-0000-000000000000',
                 '0', '{}', '{}', 'sad'),
                (%d, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                 null, null, null, null)""";
        source(edge.formatted(1, 2, 3));
        String yaml = """
                connections:
                  shop: { type: postgres, url: "%s", user: postgres }
                  wh: %s
                models:
                  all_types: { connection: shop, table: public.all_types }
                syncs:
                  types_cdc: { model: all_types, destination: wh, table: all_types, sync_type: cdc }
                """.formatted(pg.jdbcUrl(shop), fixture.destination("postgres"));
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, yaml);
        try (SyncEngine engine = DiffSyncTest.openEngine(file, dir)) {
            RunRecord first = engine.run("types_cdc", "test", RunListener.NONE);
            assertThat(first.status()).as(first.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            // The same values again, now through the change log rather than the snapshot.
            source(edge.formatted(11, 12, 13), "update all_types set f8 = 'Infinity', i2 = 7 where id = 2");
            RunRecord second = engine.run("types_cdc", "test", RunListener.NONE);
            assertThat(second.status()).as(second.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            String rows = "select string_agg(t::text, E'\\n' order by id) from all_types t";
            assertThat(query(fixture.warehouse(), rows)).isEqualTo(query(shop, rows));
        }
    }

    @Test
    void aDroppedSlotFailsTheRunWithTheResyncChoiceAndResyncRecovers() throws Exception {
        try (SyncEngine engine = engine("postgres", "")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = current_database()");
            source("insert into orders values (4, 'new', 4, 'd')");
            RunRecord lost = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(lost.status()).isEqualTo(RunStatus.FAILED);
            assertThat(lost.errorCode()).isEqualTo(ErrorCode.CAPTURE_LOST.code());
            assertThat(lost.errorMessage()).contains("tidemark resync orders_cdc");

            RunRecord resync = engine.resync("orders_cdc", RunListener.NONE);
            assertThat(resync.status()).as(resync.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
            source("update orders set qty = 44 where id = 4");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
        }
    }

    @Test
    void aSlotFurtherBehindThanMaxSlotLagPausesTheSyncWithTheChoices() throws Exception {
        try (SyncEngine engine = engine("postgres", "max_slot_lag: 64kb")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("create table noise (x text)", "insert into noise select repeat('n', 200) from generate_series(1, 2000)");
            RunRecord run = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.errorCode()).isEqualTo(ErrorCode.CAPTURE_LAG_EXCEEDED.code());
            assertThat(run.errorMessage()).contains("max_slot_lag").contains("tidemark delete-data orders_cdc");
            assertThat(engine.isPaused("orders_cdc")).isTrue();
            assertThat(slots()).hasSize(1);
            assertThat(run.captureLag()).hasValueSatisfying(lag -> assertThat(lag.bytes()).isGreaterThan(64 * 1024));
        }
    }

    @Test
    void anIdleTableStillMovesTheSlotSoTheSourceReleasesItsLog() throws Exception {
        try (SyncEngine engine = engine("postgres", "")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("create table noise (x text)", "insert into noise select repeat('n', 200) from generate_series(1, 2000)");
            String walAfterNoise = query(shop, "select pg_current_wal_flush_lsn()::text").getFirst();
            RunRecord run = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(query(shop, "select confirmed_flush_lsn >= '" + walAfterNoise + "'::pg_lsn from pg_replication_slots "
                    + "where database = current_database()")).containsExactly("t");
            SyncStatus status = engine.status("orders_cdc");
            assertThat(status.capture()).isPresent();
            assertThat(run.captureLag()).isPresent();
        }
    }

    @Test
    void pausingKeepsTheSlotAndStatusShowsItsGrowingLag() throws Exception {
        try (SyncEngine engine = engine("postgres", "")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            engine.pause("orders_cdc");
            source("insert into orders select g, 'bulk', g, null from generate_series(10, 5000) g");
            SyncStatus status = engine.status("orders_cdc");
            assertThat(status.paused()).isTrue();
            assertThat(slots()).hasSize(1);
            assertThat(status.captureLag()).hasValueSatisfying(lag -> {
                assertThat(lag.bytes()).isGreaterThan(100_000);
                assertThat(lag.millis()).isPositive();
            });
            engine.resume("orders_cdc");
            String walBeforeRun = query(shop, "select pg_current_wal_insert_lsn()::text").getFirst();
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
            // The destination lives on the same server, so its own writes keep some lag; what was there is released.
            assertThat(query(shop, "select confirmed_flush_lsn >= '" + walBeforeRun + "'::pg_lsn from pg_replication_slots "
                    + "where database = current_database()")).containsExactly("t");
        }
    }

    @Test
    void deleteDataDropsTheSlotThePublicationAndTheTables() throws Exception {
        try (SyncEngine engine = engine("postgres", "cdc_table_mode: both")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(publications()).hasSize(1);
            engine.deleteData("orders_cdc");
            assertThat(slots()).isEmpty();
            assertThat(publications()).isEmpty();
            assertThat(query(fixture.warehouse(), "select count(*) from information_schema.tables where table_name like 'orders%'")).containsExactly("0");
            RunRecord again = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(again.status()).as(again.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
        }
    }

    @Test
    void resetTrackingStartsAtTheCurrentPositionAndSendsNothing() throws Exception {
        try (SyncEngine engine = engine("postgres", "")) {
            RunRecord reset = engine.resetTracking("orders_cdc", RunListener.NONE);
            assertThat(reset.status()).as(reset.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(query(fixture.warehouse(), "select count(*) from orders")).containsExactly("0");
            source("insert into orders values (4, 'new', 4, 'd')");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(destinationOrders(engine, "orders")).containsExactly("4:new:4:d");
        }
    }

    @Test
    void aFollowingRunAppliesChangesAsTheyArriveAndCommitsWhenStopped() throws Exception {
        try (SyncEngine engine = engine("postgres", "")) {
            RunControl control = RunControl.following();
            CompletableFuture<RunRecord> running = CompletableFuture.supplyAsync(() -> engine.run("orders_cdc", "test", RunListener.NONE, control));
            source("insert into orders values (4, 'new', 4, 'd')");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!hasOrder(4) && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(hasOrder(4)).as("order 4 applied while the run follows").isTrue();
            assertThat(running).isNotDone();
            control.requestStop();
            RunRecord run = running.get(30, TimeUnit.SECONDS);
            assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
        }
    }

    @Test
    void aCancelledCdcRunCommitsWhatItAppliedAndEndsCancelled() throws Exception {
        try (SyncEngine engine = engine("postgres", "")) {
            RunRecord first = succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            RunControl control = RunControl.following();
            CompletableFuture<RunRecord> running = CompletableFuture.supplyAsync(() -> engine.run("orders_cdc", "test", RunListener.NONE, control));
            source("insert into orders values (4, 'new', 4, 'd')");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!hasOrder(4) && System.nanoTime() < deadline) Thread.sleep(50);
            control.cancel();
            RunRecord run = running.get(30, TimeUnit.SECONDS);

            assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.CANCELLED);
            assertThat(run.errorCode()).isEqualTo(ErrorCode.CANCELLED.code());
            assertThat(run.checkpointAfter()).as("the checkpoint moved up to what was applied").isNotEqualTo(first.checkpointAfter());
            assertThat(engine.checkpoints("orders_cdc").getLast().checkpoint()).isEqualTo(run.checkpointAfter());
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
            source("update orders set qty = 7 where id = 4");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
        }
    }

    private boolean hasOrder(long id) throws SQLException {
        return fixture.hasWarehouse() && !query(fixture.warehouse(), "select 1 from information_schema.tables where table_name = 'orders'").isEmpty()
                && !query(fixture.warehouse(), "select id from orders where id = " + id).isEmpty();
    }

    @Test
    void checkReportsATableWithoutReplicaIdentityWithTheFix() throws Exception {
        source("create table events (id bigint, payload text)", "alter table orders replica identity nothing");
        try (SyncEngine engine = engine("postgres", "")) {
            List<CheckItem> items = engine.check(List.of("orders_cdc"));
            CheckItem sync = items.stream().filter(i -> i.subject().equals("sync orders_cdc")).findFirst().orElseThrow();
            assertThat(sync.report().problems()).anySatisfy(p -> assertThat(p.fix()).contains("REPLICA IDENTITY"));
        }
    }

    @Test
    void aFailedResyncKeepsTheCaptureTheCheckpointBelongsToSoTheNextRunLosesNothing() throws Exception {
        try (SyncEngine engine = engine("postgres", "")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("insert into orders values (4, 'new', 4, 'd')");
            // A view on the destination table makes the resync's swap fail after its new capture has started.
            pg.execute(fixture.warehouse(), "create view orders_view as select * from orders");
            RunRecord resync = engine.resync("orders_cdc", RunListener.NONE);
            assertThat(resync.status()).isEqualTo(RunStatus.FAILED);
            assertThat(slots()).as("the new capture is dropped, the old one kept").hasSize(1);
            pg.execute(fixture.warehouse(), "drop view orders_view");
            source("update orders set qty = 5 where id = 1");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
            succeeded(engine.resync("orders_cdc", RunListener.NONE));
            assertThat(slots()).as("a successful resync replaces the capture").hasSize(1);
            source("delete from orders where id = 4");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(destinationOrders(engine, "orders")).containsExactlyElementsOf(sourceOrders());
        }
    }

    @Test
    void aRowMovedToANewKeyKeepsItsUnchangedLargeValueWhenTheOldRowIsLoggedWhole() throws Exception {
        source("update orders set note = (select string_agg(md5(g::text), '') from generate_series(1, 400) g) where id = 3",
                "alter table orders replica identity full");
        try (SyncEngine engine = engine("postgres", "")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("update orders set id = 30 where id = 3");
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            assertThat(query(fixture.warehouse(), "select id || ':' || length(note) from orders where id in (3, 30)")).containsExactly("30:12800");
        }
    }

    @Test
    void aRowMovedToANewKeyWithoutItsLargeValueStopsTheRunInsteadOfEmptyingIt() throws Exception {
        source("update orders set note = (select string_agg(md5(g::text), '') from generate_series(1, 400) g) where id = 3");
        try (SyncEngine engine = engine("postgres", "")) {
            succeeded(engine.run("orders_cdc", "test", RunListener.NONE));
            source("update orders set id = 30 where id = 3");
            RunRecord run = engine.run("orders_cdc", "test", RunListener.NONE);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.errorMessage()).contains("REPLICA IDENTITY FULL");
            assertThat(query(fixture.warehouse(), "select id || ':' || length(note) from orders where id in (3, 30)")).containsExactly("3:12800");
        }
    }
}
