package io.tidemark.engine;

import io.tidemark.api.ErrorCode;
import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.store.CheckpointVersion;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling runs from another thread: a batch run stops between batches, the destination rolls back what the run
 * wrote, the checkpoint (and a diff's snapshot) stays as before, and the next run does the whole job.
 */
class CancelRunTest {
    private static final int ROWS = 2_000;
    @TempDir Path dir;

    /** Every reading is a second later than the last, so each progress report reaches the listener (no throttling). */
    private static final class TickingClock extends Clock {
        private final AtomicLong seconds = new AtomicLong(Instant.parse("2026-03-01T00:00:00Z").getEpochSecond());

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }

        @Override public Instant instant() { return Instant.ofEpochSecond(seconds.getAndIncrement()); }
    }

    private SyncEngine engine() throws Exception {
        String yaml = """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  wh:  { type: duckdb, path: wh.duckdb }
                models:
                  orders: { connection: app, table: orders, primary_key: [id] }
                syncs:
                  full: { model: orders, destination: wh, table: orders_full, sync_type: full_refresh, batch_size: 100 }
                  tracked: { model: orders, destination: wh, table: orders_tracked, sync_type: diff, batch_size: 100 }
                """;
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, yaml);
        ConnectorRegistry registry = ConnectorRegistry.load();
        return SyncEngine.builder().workspace(new WorkspaceLoader(registry, Map.<String, String>of()::get).load(file))
                .stateStore(StateStore.defaultSqlite(dir, Clock.systemUTC())).registry(registry).clock(new TickingClock()).build();
    }

    private void seedOrders(String status) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            s.execute("create table if not exists orders (id bigint primary key, status varchar(16))");
            s.execute("delete from orders");
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("insert into orders values (?, ?)")) {
                for (int id = 1; id <= ROWS; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, status);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.commit();
        }
    }

    /** Each distinct status at the destination with its row count. */
    private List<String> destination(String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("wh.duckdb")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select status || ':' || count(*) from " + table + " group by status order by status")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }

    /**
     * Runs {@code sync} and cancels it from another thread as soon as progress shows what {@code when} waits for; the
     * run waits in its progress callback until the cancel has been issued, so the cancel always lands mid-run.
     */
    private static RunRecord runAndCancel(SyncEngine engine, String sync, Predicate<Progress> when) throws Exception {
        RunControl control = RunControl.once();
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch cancelIssued = new CountDownLatch(1);
        RunListener listener = new RunListener() {
            @Override
            public void progress(Progress progress) {
                if (reached.getCount() > 0 && when.test(progress)) {
                    reached.countDown();
                    try {
                        cancelIssued.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Thread canceller = Thread.ofPlatform().name("test-canceller").start(() -> {
            try {
                if (reached.await(60, TimeUnit.SECONDS)) control.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                cancelIssued.countDown();
            }
        });
        RunRecord run = engine.run(sync, "test", listener, control);
        canceller.join();
        assertThat(reached.getCount()).as("progress reached the cancel point").isZero();
        return run;
    }

    private static void assertCancelled(RunRecord run, String checkpointBefore) {
        assertThat(run.status()).as(run.errorMessage()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.errorCode()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(run.errorMessage()).isEqualTo("cancelled by request");
        assertThat(run.checkpointBefore()).isEqualTo(checkpointBefore);
        assertThat(run.checkpointAfter()).isEqualTo(checkpointBefore);
    }

    private static String latestCheckpoint(SyncEngine engine, String sync) {
        return engine.checkpoints(sync).getLast().checkpoint();
    }

    /** What a cancel is decided on (and what the server's run page shows) counts the rows read so far, not only at the end. */
    @Test
    void progressCountsTheRowsReadWhileTheRunGoesOn() throws Exception {
        seedOrders("placed");
        List<Progress> seen = new ArrayList<>();
        try (SyncEngine engine = engine()) {
            RunRecord run = engine.run("full", "manual", new RunListener() {
                @Override
                public void progress(Progress progress) { seen.add(progress); }
            });
            assertThat(run.counts().rowsRead()).isEqualTo(ROWS);
        }
        assertThat(seen.getFirst().rowsRead()).as("after the first batch").isEqualTo(100);
        assertThat(seen).extracting(Progress::rowsRead).isSorted().contains((long) ROWS / 2).last().isEqualTo((long) ROWS);
    }

    @Test
    void aCancelledFullRefreshLeavesTheTableAndCheckpointAsTheyWere() throws Exception {
        seedOrders("placed");
        try (SyncEngine engine = engine()) {
            RunRecord first = engine.run("full", "test", RunListener.NONE);
            assertThat(first.status()).as(first.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            seedOrders("shipped");

            RunRecord cancelled = runAndCancel(engine, "full", p -> p.rowsWritten() > 0);

            assertCancelled(cancelled, first.checkpointAfter());
            assertThat(cancelled.counts().rowsWritten()).as("it stopped between batches").isBetween(1L, ROWS - 1L);
            assertThat(destination("orders_full")).containsExactly("placed:" + ROWS);
            assertThat(latestCheckpoint(engine, "full")).isEqualTo(first.checkpointAfter());

            RunRecord next = engine.run("full", "test", RunListener.NONE);
            assertThat(next.status()).as(next.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(destination("orders_full")).containsExactly("shipped:" + ROWS);
        }
    }

    @Test
    void aCancelledDiffRunRollsBackWhatItAppliedAndKeepsItsSnapshot() throws Exception {
        seedOrders("placed");
        try (SyncEngine engine = engine()) {
            RunRecord first = engine.run("tracked", "test", RunListener.NONE);
            assertThat(first.status()).as(first.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            seedOrders("shipped");

            // Cancelled while applying: some batches of changed rows are written, uncommitted.
            RunRecord cancelled = runAndCancel(engine, "tracked", p -> p.rowsWritten() > 0);

            assertCancelled(cancelled, first.checkpointAfter());
            assertThat(cancelled.counts().changed()).isEqualTo(ROWS);
            assertThat(cancelled.counts().rowsWritten()).as("it stopped between batches").isBetween(1L, ROWS - 1L);
            assertThat(destination("orders_tracked")).containsExactly("placed:" + ROWS);
            assertThat(latestCheckpoint(engine, "tracked")).isEqualTo(first.checkpointAfter());

            RunRecord next = engine.run("tracked", "test", RunListener.NONE);
            assertThat(next.status()).as(next.errorMessage()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(next.counts().changed()).as("compared with the snapshot the cancelled run kept").isEqualTo(ROWS);
            assertThat(destination("orders_tracked")).containsExactly("shipped:" + ROWS);
        }
    }

    @Test
    void aRunCancelledBeforeItStartsRecordsItAndChangesNothing() throws Exception {
        seedOrders("placed");
        try (SyncEngine engine = engine()) {
            RunControl control = RunControl.once();
            control.cancel();
            RunRecord run = engine.run("full", "test", RunListener.NONE, control);

            assertCancelled(run, null);
            assertThat(run.counts().rowsRead()).isZero();
            assertThat(engine.checkpoints("full")).extracting(CheckpointVersion::checkpoint).allMatch(c -> c == null);
            assertThat(engine.run("full", "test", RunListener.NONE).status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }
}
