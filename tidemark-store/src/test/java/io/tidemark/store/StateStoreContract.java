package io.tidemark.store;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every state store database must do (the server's part in {@link ServerStateContract}). Subclasses give each
 * test a fresh database.
 */
abstract class StateStoreContract implements ServerStateContract {
    private static final Instant START = Instant.parse("2026-03-01T10:15:30.123Z");

    protected final MutableClock clock = new MutableClock(START);
    private final List<StateStore> opened = new ArrayList<>();
    private StateStore store;

    /** Opens a store on this test's database: every call of one test reaches the same database. */
    protected abstract StateStore openStore(Clock clock);

    /** The URL, user included, of another, empty database no store has opened yet. */
    protected abstract String emptyDatabaseUrl();

    @Override
    public final StateStore open() {
        StateStore opened = openStore(clock);
        this.opened.add(opened);
        return opened;
    }

    @Override
    public final StateStore store() {
        return store;
    }

    @Override
    public final MutableClock clock() {
        return clock;
    }

    @BeforeEach
    void openTheStore() {
        store = open();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(StateStore::close);
    }

    @Test
    void ensureSyncKeepsOneStableIdPerName() {
        SyncRecord orders = store.ensureSync("orders");
        SyncRecord users = store.ensureSync("users");

        assertThat(users.id()).isNotEqualTo(orders.id());
        assertThat(store.ensureSync("orders")).isEqualTo(orders);
        assertThat(orders).isEqualTo(new SyncRecord(orders.id(), "orders", false, START));
        assertThat(store.findSync("users")).contains(users);
        assertThat(store.findSync("missing")).isEmpty();
        assertThat(store.syncs()).containsExactly(orders, users);
    }

    @Test
    void pausedFlagIsStored() {
        long id = store.ensureSync("orders").id();

        store.setPaused(id, true);
        assertThat(store.findSync("orders").orElseThrow().paused()).isTrue();

        store.setPaused(id, false);
        assertThat(store.findSync("orders").orElseThrow().paused()).isFalse();
    }

    @Test
    void unknownIdsAreNotFound() {
        assertNotFound(() -> store.setPaused(999, true), "sync id 999");
        assertNotFound(() -> store.startRun(999, "manual", "engine-a", null, owner -> true), "sync id 999");
        assertNotFound(() -> store.saveCheckpoint(999, null, "{}", "run"), "sync id 999");
        assertNotFound(() -> store.updateProgress(999, RunCounts.ZERO), "run 999");
        assertNotFound(() -> store.finishRun(999, RunStatus.SUCCEEDED, RunCounts.ZERO, null, null, null), "run 999");
        assertNotFound(() -> store.saveRejections(999, List.of(new RejectedRecord("added", "1", "no"))), "run 999");
        assertNotFound(() -> store.recordCaptureLag(999, new CaptureLag(0, 0)), "run 999");
        assertNotFound(() -> store.requestCancel(999), "run 999");
        assertNotFound(() -> store.finishSequenceRun(999, RunStatus.SUCCEEDED, null, null), "sequence run 999");
        assertThat(store.run(999)).isEmpty();
        assertThat(store.rejections(999, 10)).isEmpty();
        assertThat(store.cancelRequested(999)).isFalse();
    }

    @Test
    void startRunRecordsARunningRun() {
        SyncRecord orders = store.ensureSync("orders");

        RunRecord run = store.startRun(orders.id(), "schedule", "engine-a", "{\"cursor\":1}", owner -> true);

        assertThat(run).isEqualTo(new RunRecord(run.id(), orders.id(), "orders", RunStatus.RUNNING, "schedule",
                "engine-a", START, null, RunCounts.ZERO, null, null, "{\"cursor\":1}", null, Optional.empty()));
        assertThat(run.finished()).isFalse();
        assertThat(store.run(run.id())).contains(run);
    }

    @Test
    void startRunRefusesWhileTheOwnerOfTheRunningRunIsAlive() {
        long id = store.ensureSync("orders").id();
        RunRecord running = store.startRun(id, "manual", "engine-a", null, owner -> true);
        List<String> asked = new ArrayList<>();

        assertThatThrownBy(() -> store.startRun(id, "manual", "engine-b", null, owner -> asked.add(owner)))
                .isInstanceOfSatisfying(TidemarkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.SYNC_RUNNING);
                    assertThat(e.getMessage()).contains("\"orders\"", "run " + running.id(), "engine-a");
                });
        assertThat(asked).containsExactly("engine-a");
        assertThat(store.runs(Optional.empty(), 10)).containsExactly(running);
    }

    @Test
    void startRunTakesOverTheRunningRunOfADeadOwner() {
        long id = store.ensureSync("orders").id();
        RunRecord abandoned = store.startRun(id, "manual", "engine-a", null, owner -> true);

        RunRecord next = store.startRun(id, "manual", "engine-b", null, owner -> false);

        RunRecord failed = store.run(abandoned.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.errorCode()).isEqualTo(ErrorCode.INTERNAL.code());
        assertThat(failed.errorMessage()).isEqualTo("engine stopped before the run finished");
        assertThat(failed.finished()).isTrue();
        assertThat(next.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(next.owner()).isEqualTo("engine-b");
    }

    @Test
    void runningRunsOfOtherSyncsDoNotBlock() {
        store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", null, owner -> true);

        RunRecord users = store.startRun(store.ensureSync("users").id(), "manual", "engine-a", null, owner -> true);

        assertThat(users.status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void updateProgressChangesTheLiveCounters() {
        RunRecord run = store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", null, owner -> true);

        store.updateProgress(run.id(), new RunCounts(100, 90, 5, 1));
        store.updateProgress(run.id(), new RunCounts(200, 180, 10, 2));

        RunRecord live = store.run(run.id()).orElseThrow();
        assertThat(live.counts()).isEqualTo(new RunCounts(200, 180, 10, 2));
        assertThat(live.status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void progressArrivingAfterTheFinishKeepsTheFinalCounts() {
        RunRecord run = store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", null, owner -> true);
        store.finishRun(run.id(), RunStatus.SUCCEEDED, new RunCounts(10, 10, 0, 0), null, null, null);

        store.updateProgress(run.id(), new RunCounts(7, 7, 0, 0));

        assertThat(store.run(run.id()).orElseThrow().counts()).isEqualTo(new RunCounts(10, 10, 0, 0));
    }

    @Test
    void finishRunRecordsTheFinalStateAndDuration() {
        RunRecord run = store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", "{\"v\":1}", o -> true);
        clock.advance(Duration.ofMillis(1_500));

        RunRecord finished = store.finishRun(run.id(), RunStatus.SUCCEEDED_WITH_REJECTIONS, new RunCounts(10, 8, 1, 2),
                "destination_rejected", "2 rows rejected", "{\"v\":2}");

        assertThat(finished).isEqualTo(new RunRecord(run.id(), run.syncId(), "orders",
                RunStatus.SUCCEEDED_WITH_REJECTIONS, "manual", "engine-a", START, 1_500L, new RunCounts(10, 8, 1, 2),
                "destination_rejected", "2 rows rejected", "{\"v\":1}", "{\"v\":2}", Optional.empty()));
        assertThat(finished.finished()).isTrue();
        assertThat(store.run(run.id())).contains(finished);
    }

    @Test
    void plannedChangesAreKeptByProgressAndFinish() {
        RunRecord run = store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", null, owner -> true);
        RunCounts live = new RunCounts(50, 40, 3, 1, 30, 11, 3);
        RunCounts last = new RunCounts(100, 90, 7, 2, 60, 32, 7);

        store.updateProgress(run.id(), live);
        assertThat(store.run(run.id()).orElseThrow().counts()).isEqualTo(live);

        assertThat(store.finishRun(run.id(), RunStatus.SUCCEEDED_WITH_REJECTIONS, last, null, null, null).counts())
                .isEqualTo(last);
        assertThat(store.runs(Optional.of("orders"), 1)).extracting(RunRecord::counts).containsExactly(last);
    }

    @Test
    void rejectionsAreReadBackInTheOrderSavedUpToTheLimit() {
        RunRecord run = store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", null, owner -> true);
        String[] changes = {"changed", "added", "removed"};
        // Keys counting down, so neither key nor change order could pass for the order saved.
        List<RejectedRecord> rows = IntStream.range(0, 1_000)
                .mapToObj(i -> new RejectedRecord(changes[i % 3], "{\"id\":" + (1_000 - i) + "}", "too long: " + i))
                .toList();

        store.saveRejections(run.id(), rows);

        assertThat(store.rejections(run.id(), 1_000)).containsExactlyElementsOf(rows);
        assertThat(store.rejections(run.id(), 5)).containsExactlyElementsOf(rows.subList(0, 5));
        assertThatThrownBy(() -> store.rejections(run.id(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecondSaveOfRejectionsAppendsAfterTheFirst() {
        RunRecord run = store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", null, owner -> true);
        RejectedRecord first = new RejectedRecord("removed", "9", "row is referenced by invoices");
        RejectedRecord second = new RejectedRecord("added", "1", "duplicate key");

        store.saveRejections(run.id(), List.of(first));
        store.saveRejections(run.id(), List.of());
        store.saveRejections(run.id(), List.of(second));

        assertThat(store.rejections(run.id(), 10)).containsExactly(first, second);
    }

    @Test
    void schemaChangesAreKeptPerRunInTheOrderMet() {
        long orders = store.ensureSync("orders").id();
        RunRecord first = store.startRun(orders, "manual", "engine-a", null, owner -> true);
        SchemaChangeRecord added = new SchemaChangeRecord("column_added", "note", Optional.empty(), Optional.of("string"), "propagate",
                "column note (string) added: propagate (schema_policy column_added)");
        SchemaChangeRecord widened = new SchemaChangeRecord("type_widened", "qty", Optional.of("int32"), Optional.of("int64"), "propagate",
                "column qty widened from int32 to int64: propagate (schema_policy type_widened)");
        SchemaChangeRecord dropped = new SchemaChangeRecord("column_dropped", "legacy", Optional.of("string"), Optional.empty(), "ignore",
                "column legacy (string) dropped: ignore (schema_policy column_dropped)");
        store.saveSchemaChanges(first.id(), List.of(widened, added));
        store.saveSchemaChanges(first.id(), List.of(dropped));
        RunRecord second = store.startRun(store.ensureSync("users").id(), "manual", "engine-a", null, owner -> true);

        assertThat(store.schemaChanges(first.id())).containsExactly(widened, added, dropped);
        assertThat(store.schemaChanges(second.id())).isEmpty();
        assertThatThrownBy(() -> store.saveSchemaChanges(999_999, List.of(added))).isInstanceOf(TidemarkException.class);
    }

    @Test
    void aSchemaBaselineIsReplacedAndForgottenPerSync() {
        long orders = store.ensureSync("orders").id();
        long users = store.ensureSync("users").id();
        assertThat(store.schemaBaseline(orders)).isEmpty();

        store.saveSchemaBaseline(orders, "{\"v\":1}");
        store.saveSchemaBaseline(orders, "{\"v\":2}");
        store.saveSchemaBaseline(users, "{\"u\":1}");
        assertThat(store.schemaBaseline(orders)).contains("{\"v\":2}");

        store.saveSchemaBaseline(orders, null);
        assertThat(store.schemaBaseline(orders)).isEmpty();
        assertThat(store.schemaBaseline(users)).contains("{\"u\":1}");
    }

    @Test
    void rejectionsOfOneRunAreNotShownForAnother() {
        long orders = store.ensureSync("orders").id();
        RunRecord first = store.startRun(orders, "manual", "engine-a", null, owner -> true);
        store.finishRun(first.id(), RunStatus.SUCCEEDED_WITH_REJECTIONS, new RunCounts(1, 0, 0, 1), null, null, null);
        RunRecord second = store.startRun(orders, "manual", "engine-a", null, owner -> true);
        RunRecord otherSync = store.startRun(store.ensureSync("users").id(), "manual", "engine-a", null, owner -> true);
        RejectedRecord ofFirst = new RejectedRecord("added", "1", "null in a required column");
        RejectedRecord ofSecond = new RejectedRecord("changed", "1", "value out of range");

        store.saveRejections(first.id(), List.of(ofFirst));
        store.saveRejections(second.id(), List.of(ofSecond));

        assertThat(store.rejections(first.id(), 10)).containsExactly(ofFirst);
        assertThat(store.rejections(second.id(), 10)).containsExactly(ofSecond);
        assertThat(store.rejections(otherSync.id(), 10)).isEmpty();
    }

    @Test
    void aDatabaseOfTheFirstSchemaVersionUpgradesKeepingItsRuns() throws SQLException {
        String url = databaseAtSchemaVersion("1", """
                insert into runs (sync_id, status, triggered_by, owner, started_at_ms, duration_ms,
                                  rows_read, rows_written, rows_deleted, rows_rejected)
                select id, 'succeeded_with_rejections', 'manual', 'engine-a', 0, 5, 4, 3, 0, 1 from syncs""");

        try (StateStore upgraded = StateStore.open(url, null, null, clock)) {
            RunRecord old = upgraded.runs(Optional.of("orders"), 10).getFirst();
            assertThat(old.counts()).isEqualTo(new RunCounts(4, 3, 0, 1, 0, 0, 0));
            assertThat(old.status()).isEqualTo(RunStatus.SUCCEEDED_WITH_REJECTIONS);
            assertThat(upgraded.rejections(old.id(), 10)).isEmpty();

            RejectedRecord rejected = new RejectedRecord("added", "7", "duplicate key");
            upgraded.saveRejections(old.id(), List.of(rejected));
            assertThat(upgraded.rejections(old.id(), 10)).containsExactly(rejected);
        }
    }

    @Test
    void aDatabaseOfTheSecondSchemaVersionUpgradesKeepingItsRunsWithoutLag() throws SQLException {
        String url = databaseAtSchemaVersion("2", """
                insert into runs (sync_id, status, triggered_by, owner, started_at_ms, duration_ms,
                                  rows_read, rows_written, rows_deleted, rows_rejected,
                                  planned_added, planned_changed, planned_removed)
                select id, 'succeeded', 'schedule', 'engine-a', 0, 5, 9, 9, 2, 0, 6, 3, 2 from syncs""");

        try (StateStore upgraded = StateStore.open(url, null, null, clock)) {
            RunRecord old = upgraded.runs(Optional.of("orders"), 10).getFirst();
            assertThat(old.counts()).isEqualTo(new RunCounts(9, 9, 2, 0, 6, 3, 2));
            assertThat(old.durationMs()).isEqualTo(5L);
            assertThat(old.captureLag()).isEmpty();

            upgraded.recordCaptureLag(old.id(), new CaptureLag(4_096, 250));
            assertThat(upgraded.run(old.id()).orElseThrow().captureLag()).contains(new CaptureLag(4_096, 250));
        }
    }

    @Test
    void aDatabaseOfTheThirdSchemaVersionUpgradesWithoutCancelRequests() throws SQLException {
        String url = databaseAtSchemaVersion("3", """
                insert into runs (sync_id, status, triggered_by, owner, started_at_ms)
                select id, 'running', 'schedule', 'engine-a', 0 from syncs""");

        try (StateStore upgraded = StateStore.open(url, null, null, clock)) {
            RunRecord old = upgraded.runningRuns().getFirst();
            assertThat(old.syncName()).isEqualTo("orders");
            assertThat(upgraded.cancelRequested(old.id())).isFalse();

            assertThat(upgraded.requestCancel(old.id())).isTrue();
            assertThat(upgraded.cancelRequested(old.id())).isTrue();
            assertThat(upgraded.latestWorkspace()).isEmpty();
        }
    }

    @Test
    void captureLagRecordedDuringARunIsKeptByItsFinish() {
        RunRecord run = store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", null, owner -> true);
        assertThat(run.captureLag()).isEmpty();
        CaptureLag lag = new CaptureLag(16_777_216, 1_250);

        store.recordCaptureLag(run.id(), lag);
        RunRecord finished = store.finishRun(run.id(), RunStatus.SUCCEEDED, new RunCounts(5, 5, 0, 0), null, null, "{}");

        assertThat(finished.captureLag()).contains(lag);
        assertThat(store.run(run.id())).contains(finished);
        assertThat(store.runs(Optional.of("orders"), 10)).containsExactly(finished);
    }

    @Test
    void captureLagOfAFinishedRunIsRecordedForThatRunOnlyAndReplacedByALaterOne() {
        long orders = store.ensureSync("orders").id();
        RunRecord first = store.startRun(orders, "manual", "engine-a", null, owner -> true);
        store.finishRun(first.id(), RunStatus.FAILED, RunCounts.ZERO, "connection_failed", "source down", null);
        RunRecord second = store.startRun(orders, "manual", "engine-a", null, owner -> true);

        store.recordCaptureLag(first.id(), new CaptureLag(1, 1));
        store.recordCaptureLag(first.id(), new CaptureLag(Long.MAX_VALUE, 0));

        assertThat(store.runs(Optional.of("orders"), 10)).extracting(RunRecord::captureLag)
                .containsExactly(Optional.empty(), Optional.of(new CaptureLag(Long.MAX_VALUE, 0)));
        assertThat(store.run(second.id()).orElseThrow().captureLag()).isEmpty();
    }

    @Test
    void finishRunRefusesAStatusThatIsNotFinal() {
        RunRecord run = store.startRun(store.ensureSync("orders").id(), "manual", "engine-a", null, owner -> true);

        assertThatThrownBy(() -> store.finishRun(run.id(), RunStatus.RUNNING, RunCounts.ZERO, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.run(run.id())).contains(run);
    }

    @Test
    void aFinishedRunLetsTheNextOneStart() {
        long id = store.ensureSync("orders").id();
        RunRecord first = store.startRun(id, "manual", "engine-a", null, owner -> true);
        store.finishRun(first.id(), RunStatus.FAILED, RunCounts.ZERO, "connection_failed", "source down", null);

        RunRecord second = store.startRun(id, "manual", "engine-a", null, owner -> true);

        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(store.run(first.id()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void runsAreNewestFirstFilteredBySyncAndLimited() {
        long orders = store.ensureSync("orders").id();
        long users = store.ensureSync("users").id();
        List<Long> orderRuns = new ArrayList<>();
        List<Long> allRuns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (long sync : new long[] {orders, users}) {
                RunRecord run = store.startRun(sync, "manual", "engine-a", null, owner -> true);
                store.finishRun(run.id(), RunStatus.SUCCEEDED, RunCounts.ZERO, null, null, null);
                clock.advance(Duration.ofSeconds(1));
                allRuns.addFirst(run.id());
                if (sync == orders) orderRuns.addFirst(run.id());
            }
        }

        assertThat(store.runs(Optional.empty(), 100)).extracting(RunRecord::id).containsExactlyElementsOf(allRuns);
        assertThat(store.runs(Optional.empty(), 4)).extracting(RunRecord::id).containsExactlyElementsOf(allRuns.subList(0, 4));
        assertThat(store.runs(Optional.of("orders"), 100)).extracting(RunRecord::id).containsExactlyElementsOf(orderRuns);
        assertThat(store.runs(Optional.of("orders"), 2)).extracting(RunRecord::id)
                .containsExactlyElementsOf(orderRuns.subList(0, 2));
        assertThat(store.runs(Optional.of("missing"), 10)).isEmpty();
    }

    @Test
    void checkpointHistoryIsAppendOnlyWithVersionsCountingUpPerSync() {
        long orders = store.ensureSync("orders").id();
        long users = store.ensureSync("users").id();
        RunRecord run = store.startRun(orders, "manual", "engine-a", null, owner -> true);

        CheckpointVersion first = store.saveCheckpoint(orders, run.id(), "{\"cursor\":1}", "run");
        clock.advance(Duration.ofSeconds(1));
        CheckpointVersion second = store.saveCheckpoint(orders, run.id(), "{\"cursor\":2}", "run");
        CheckpointVersion otherSync = store.saveCheckpoint(users, null, "{\"cursor\":9}", "run");

        assertThat(first).isEqualTo(new CheckpointVersion(1, orders, run.id(), "{\"cursor\":1}", "run", START));
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.createdAt()).isEqualTo(START.plusSeconds(1));
        assertThat(otherSync.version()).isEqualTo(1);
        assertThat(store.checkpointHistory(orders)).containsExactly(first, second);
        assertThat(store.checkpointHistory(users)).containsExactly(otherSync);
        assertThat(store.runCheckpoints(orders, run.id())).containsExactly(first, second);
        assertThat(store.runCheckpoints(users, run.id())).isEmpty();
    }

    @Test
    void latestCheckpointAfterAResetIsNoCheckpoint() {
        long orders = store.ensureSync("orders").id();
        store.saveCheckpoint(orders, null, "{\"cursor\":1}", "run");

        CheckpointVersion reset = store.saveCheckpoint(orders, null, null, "resync");

        assertThat(store.latestCheckpoint(orders)).contains(reset);
        assertThat(reset.checkpoint()).isNull();
        assertThat(reset.version()).isEqualTo(2);
        assertThat(store.checkpointHistory(orders)).extracting(CheckpointVersion::checkpoint)
                .containsExactly("{\"cursor\":1}", null);
    }

    @Test
    void latestCheckpointIsEmptyForASyncThatNeverHadOne() {
        assertThat(store.latestCheckpoint(store.ensureSync("orders").id())).isEmpty();
        assertThat(store.checkpointHistory(store.ensureSync("orders").id())).isEmpty();
    }

    @Test
    void reopeningTheStoreKeepsEverything() {
        SyncRecord orders = store.ensureSync("orders");
        store.setPaused(orders.id(), true);
        RunRecord run = store.startRun(orders.id(), "manual", "engine-a", "{\"v\":1}", owner -> true);
        clock.advance(Duration.ofMillis(42));
        RunRecord finished = store.finishRun(run.id(), RunStatus.SUCCEEDED, new RunCounts(3, 3, 0, 0), null, null, "{}");
        CheckpointVersion checkpoint = store.saveCheckpoint(orders.id(), run.id(), "{}", "run");
        store.close();

        StateStore reopened = open();

        assertThat(reopened.syncs()).containsExactly(new SyncRecord(orders.id(), "orders", true, orders.createdAt()));
        assertThat(reopened.runs(Optional.empty(), 10)).containsExactly(finished);
        assertThat(reopened.checkpointHistory(orders.id())).containsExactly(checkpoint);
        assertThat(reopened.ensureSync("users").id()).isGreaterThan(orders.id());
    }

    @Test
    void twoStoresOnTheSameDatabaseWorkSideBySide() throws Exception {
        StateStore other = open();
        long shared = store.ensureSync("shared").id();
        int runsPerStore = 15;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> done = threads.invokeAll(List.of(
                    busyEngine(store, "first", shared, runsPerStore), busyEngine(other, "second", shared, runsPerStore)));
            for (Future<Object> future : done) future.get();
        } finally {
            threads.shutdown();
        }

        for (StateStore view : List.of(store, other)) {
            assertThat(view.syncs()).extracting(SyncRecord::name).containsExactlyInAnyOrder("shared", "first", "second");
            assertThat(view.runs(Optional.empty(), 100)).hasSize(2 * runsPerStore)
                    .allSatisfy(run -> assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED));
            assertThat(view.checkpointHistory(shared)).extracting(CheckpointVersion::version)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 2L * runsPerStore).boxed().toList());
        }
    }

    @Test
    void onlyOneOfTwoStoresStartsARunOfTheSameSyncAtOnce() throws Exception {
        StateStore other = open();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                long sync = store.ensureSync("sync-" + round).id();
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Boolean>> started = threads.invokeAll(List.of(
                        tryStart(store, sync, together), tryStart(other, sync, together)));

                assertThat(List.of(started.get(0).get(), started.get(1).get())).containsExactlyInAnyOrder(true, false);
                assertThat(store.runs(Optional.of("sync-" + round), 10)).hasSize(1);
            }
        } finally {
            threads.shutdown();
        }
    }

    /**
     * A new database migrated only up to {@code version}, holding the sync "orders" and whatever
     * {@code insertRuns} adds; its URL.
     */
    private String databaseAtSchemaVersion(String version, String insertRuns) throws SQLException {
        String url = emptyDatabaseUrl();
        JdbcStateStore.flyway(Dialect.of(url, url)).dataSource(url, null, null).target(version).load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("insert into syncs (name, created_at_ms) values ('orders', 0)");
            s.execute(insertRuns);
        }
        return url;
    }

    private static Callable<Object> busyEngine(StateStore store, String name, long shared, int runs) {
        return () -> {
            long own = store.ensureSync(name).id();
            for (int i = 0; i < runs; i++) {
                RunRecord run = store.startRun(own, "schedule", name, null, owner -> true);
                store.updateProgress(run.id(), new RunCounts(i, i, 0, 0));
                store.saveCheckpoint(shared, null, "{\"" + name + "\":" + i + "}", "run");
                store.finishRun(run.id(), RunStatus.SUCCEEDED, new RunCounts(i, i, 0, 0), null, null, null);
            }
            return null;
        };
    }

    private static Callable<Boolean> tryStart(StateStore store, long sync, CyclicBarrier together) {
        return () -> {
            together.await();
            try {
                store.startRun(sync, "manual", "engine-" + System.identityHashCode(store), null, owner -> true);
                return true;
            } catch (TidemarkException e) {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.SYNC_RUNNING);
                return false;
            }
        };
    }

    private static void assertNotFound(ThrowingCallable call, String naming) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(e.getMessage()).contains(naming);
        });
    }
}
