package io.tidemark.store;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every state store database must do for the server. {@link StateStoreContract} runs these tests on each
 * database with a fresh one per test.
 */
interface ServerStateContract {

    /** The test's store. */
    StateStore store();

    /** Another store on the test's database, closed after the test. */
    StateStore open();

    /** The clock of every store of the test. */
    MutableClock clock();

    // ---- workspace configuration

    @Test
    default void latestWorkspaceIsEmptyUntilTheFirstSave() {
        assertThat(store().latestWorkspace()).isEmpty();
    }

    @Test
    default void savedWorkspaceVersionsCountUpFromOneAndTheNewestIsRead() {
        Instant start = clock().instant();

        WorkspaceVersion first = store().saveWorkspace(0, "{\"syncs\":[]}", "alice");
        clock().advance(Duration.ofSeconds(3));
        WorkspaceVersion second = store().saveWorkspace(1, "{\"syncs\":[\"orders\"]}", "bob");

        assertThat(first).isEqualTo(new WorkspaceVersion(1, "{\"syncs\":[]}", "alice", start));
        assertThat(second).isEqualTo(new WorkspaceVersion(2, "{\"syncs\":[\"orders\"]}", "bob", start.plusSeconds(3)));
        assertThat(open().latestWorkspace()).contains(second);
    }

    @Test
    default void saveWorkspaceRefusesAnExpectedVersionThatIsNotTheNewest() {
        WorkspaceVersion saved = store().saveWorkspace(0, "{\"v\":1}", "alice");
        StateStore other = open();

        assertConflict(() -> other.saveWorkspace(0, "{\"v\":\"lost\"}", "bob"),
                "the workspace configuration changed (version 1 is newer than the expected 0); read it again and retry");
        assertConflict(() -> other.saveWorkspace(5, "{\"v\":\"lost\"}", "bob"), "has no version 5 (the newest is 1)");
        assertThatThrownBy(() -> other.saveWorkspace(-1, "{}", "bob")).isInstanceOf(IllegalArgumentException.class);
        assertThat(other.latestWorkspace()).contains(saved);
    }

    @Test
    default void onlyOneOfTwoStoresSavesTheSameWorkspaceVersionAtOnce() throws Exception {
        StateStore other = open();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (long expected = 0; expected < 5; expected++) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Boolean>> saved = threads.invokeAll(List.of(
                        trySave(store(), expected, together), trySave(other, expected, together)));

                assertThat(List.of(saved.get(0).get(), saved.get(1).get())).containsExactlyInAnyOrder(true, false);
                assertThat(store().latestWorkspace().orElseThrow().version()).isEqualTo(expected + 1);
            }
        } finally {
            threads.shutdown();
        }
    }

    // ---- audit trail

    @Test
    default void auditEventsAreReadBackOldestFirstAsAppended() {
        Instant start = clock().instant();
        AuditEvent change = store().appendAudit(new AuditEntry("alice", "sync.update", "sync:orders",
                Optional.of("{\"schedule\":\"hourly\"}"), Optional.of("{\"schedule\":\"daily\"}"), Optional.of("via UI")));
        clock().advance(Duration.ofMillis(250));
        AuditEvent trigger = store().appendAudit(new AuditEntry("token:ci", "run.start", "sync:orders",
                Optional.empty(), Optional.empty(), Optional.empty()));

        assertThat(change).isEqualTo(new AuditEvent(change.id(), start, "alice", "sync.update", "sync:orders",
                Optional.of("{\"schedule\":\"hourly\"}"), Optional.of("{\"schedule\":\"daily\"}"), Optional.of("via UI")));
        assertThat(trigger.at()).isEqualTo(start.plusMillis(250));
        assertThat(trigger.id()).isGreaterThan(change.id());
        assertThat(open().audit(everything(0, 10))).containsExactly(change, trigger);
    }

    @Test
    default void auditPagesByTheLastIdSeen() {
        List<AuditEvent> appended = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            appended.add(store().appendAudit(new AuditEntry("alice", "sync.update", "sync:s" + i,
                    Optional.empty(), Optional.empty(), Optional.empty())));
        }

        List<AuditEvent> firstPage = store().audit(everything(0, 2));
        List<AuditEvent> secondPage = store().audit(everything(firstPage.getLast().id(), 2));
        List<AuditEvent> lastPage = store().audit(everything(secondPage.getLast().id(), 2));

        assertThat(firstPage).containsExactlyElementsOf(appended.subList(0, 2));
        assertThat(secondPage).containsExactlyElementsOf(appended.subList(2, 4));
        assertThat(lastPage).containsExactlyElementsOf(appended.subList(4, 5));
        assertThat(store().audit(everything(lastPage.getLast().id(), 2))).isEmpty();
    }

    @Test
    default void auditFiltersByTargetActorAndTime() {
        Instant start = clock().instant();
        AuditEvent aliceOrders = appendAudit("alice", "sync:orders");
        clock().advance(Duration.ofMinutes(1));
        AuditEvent bobOrders = appendAudit("bob", "sync:orders");
        AuditEvent aliceUsers = appendAudit("alice", "sync:users");

        assertThat(store().audit(new AuditQuery(Optional.of("sync:orders"), Optional.empty(), Optional.empty(), 0, 10)))
                .containsExactly(aliceOrders, bobOrders);
        assertThat(store().audit(new AuditQuery(Optional.empty(), Optional.of("alice"), Optional.empty(), 0, 10)))
                .containsExactly(aliceOrders, aliceUsers);
        assertThat(store().audit(new AuditQuery(Optional.empty(), Optional.empty(), Optional.of(start.plusSeconds(60)),
                0, 10))).containsExactly(bobOrders, aliceUsers);
        assertThat(store().audit(new AuditQuery(Optional.of("sync:orders"), Optional.of("alice"),
                Optional.of(start.plusMillis(1)), 0, 10))).isEmpty();
        assertThat(store().audit(new AuditQuery(Optional.of("sync:orders"), Optional.empty(), Optional.empty(),
                aliceOrders.id(), 10))).containsExactly(bobOrders);
        assertThat(store().audit(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), 0, 2, true)))
                .as("newest first: the latest events, latest on top").containsExactly(aliceUsers, bobOrders);
    }

    // ---- API tokens

    @Test
    default void aTokenIsFoundByItsHashUntilItIsRevoked() {
        Instant start = clock().instant();
        ApiToken token = store().createToken("ci", "run", "hash-ci");

        assertThat(token).isEqualTo(new ApiToken(token.id(), "ci", "run", start, Optional.empty()));
        assertThat(token.active()).isTrue();
        assertThat(store().findActiveToken("hash-ci")).contains(token);
        assertThat(store().findActiveToken("hash-unknown")).isEmpty();

        clock().advance(Duration.ofHours(1));
        assertThat(store().revokeToken("ci")).isTrue();

        assertThat(open().findActiveToken("hash-ci")).isEmpty();
        ApiToken revoked = store().tokens().getFirst();
        assertThat(revoked).isEqualTo(new ApiToken(token.id(), "ci", "run", start, Optional.of(start.plusSeconds(3600))));
        assertThat(revoked.active()).isFalse();
        assertThat(store().revokeToken("ci")).as("already revoked").isFalse();
        assertThat(store().revokeToken("unknown")).isFalse();
    }

    @Test
    default void aTokenNameStaysTakenAfterItsTokenIsRevoked() {
        ApiToken first = store().createToken("ci", "run", "hash-1");

        assertConflict(() -> store().createToken("ci", "admin", "hash-2"), "an API token named \"ci\" already exists");
        store().revokeToken("ci");
        assertConflict(() -> open().createToken("ci", "admin", "hash-2"), "choose another name");

        assertThat(store().tokens()).extracting(ApiToken::id).containsExactly(first.id());
        assertThat(store().findActiveToken("hash-2")).isEmpty();
    }

    @Test
    default void twoTokensCannotShareAHash() {
        store().createToken("ci", "run", "hash-1");

        assertConflict(() -> store().createToken("deploy", "admin", "hash-1"), "generate a new token");

        assertThat(store().tokens()).extracting(ApiToken::name).containsExactly("ci");
    }

    @Test
    default void tokensAreListedInTheOrderCreated() {
        ApiToken deploy = store().createToken("deploy", "admin", "hash-d");
        ApiToken ci = store().createToken("ci", "run", "hash-c");

        assertThat(store().tokens()).containsExactly(deploy, ci);
    }

    // ---- cluster nodes

    @Test
    default void heartbeatsKeepEachNodesFirstAndLastTime() {
        Instant start = clock().instant();
        assertThat(store().nodes()).isEmpty();

        store().heartbeat("node-b");
        clock().advance(Duration.ofSeconds(10));
        open().heartbeat("node-a");
        clock().advance(Duration.ofSeconds(10));
        store().heartbeat("node-b");

        assertThat(store().nodes()).containsExactly(
                new ServerNode("node-a", start.plusSeconds(10), start.plusSeconds(10)),
                new ServerNode("node-b", start, start.plusSeconds(20)));
    }

    // ---- runs: cancel requests, running runs, counts

    @Test
    default void requestCancelFlagsARunningRunOnly() {
        RunRecord run = store().startRun(store().ensureSync("orders").id(), "manual", "engine-a", null, o -> true);
        RunRecord other = store().startRun(store().ensureSync("users").id(), "manual", "engine-a", null, o -> true);
        assertThat(store().cancelRequested(run.id())).isFalse();

        assertThat(store().requestCancel(run.id())).isTrue();
        assertThat(open().requestCancel(run.id())).as("asked again").isTrue();

        assertThat(open().cancelRequested(run.id())).isTrue();
        assertThat(store().cancelRequested(other.id())).isFalse();
        assertThat(store().run(run.id())).as("the run itself is unchanged until its engine stops it").contains(run);
    }

    @Test
    default void requestCancelOfAFinishedRunReturnsFalse() {
        RunRecord run = store().startRun(store().ensureSync("orders").id(), "manual", "engine-a", null, o -> true);
        store().finishRun(run.id(), RunStatus.SUCCEEDED, RunCounts.ZERO, null, null, null);

        assertThat(store().requestCancel(run.id())).isFalse();

        assertThat(store().cancelRequested(run.id())).isFalse();
    }

    @Test
    default void runningRunsAreTheRunningRunOfEverySyncOldestFirst() {
        RunRecord orders = store().startRun(store().ensureSync("orders").id(), "manual", "engine-a", null, o -> true);
        RunRecord users = store().startRun(store().ensureSync("users").id(), "manual", "engine-b", null, o -> true);
        store().finishRun(users.id(), RunStatus.FAILED, RunCounts.ZERO, "connection_failed", "down", null);
        RunRecord payments = store().startRun(store().ensureSync("payments").id(), "schedule", "engine-b", null, o -> true);

        assertThat(store().runningRuns()).containsExactly(orders, payments);
    }

    @Test
    default void runCountsByStatusCountEveryStatusWithZeroForTheUnused() {
        assertThat(store().runCountsByStatus()).hasSize(RunStatus.values().length).allSatisfy((status, count) ->
                assertThat(count).isZero());
        long orders = store().ensureSync("orders").id();
        for (RunStatus end : List.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SUCCEEDED)) {
            RunRecord run = store().startRun(orders, "manual", "engine-a", null, o -> true);
            store().finishRun(run.id(), end, RunCounts.ZERO, null, null, null);
        }
        store().startRun(orders, "manual", "engine-a", null, o -> true);

        Map<RunStatus, Long> expected = new EnumMap<>(RunStatus.class);
        for (RunStatus status : RunStatus.values()) expected.put(status, 0L);
        expected.putAll(Map.of(RunStatus.SUCCEEDED, 2L, RunStatus.FAILED, 1L, RunStatus.RUNNING, 1L));
        assertThat(store().runCountsByStatus()).isEqualTo(expected);
    }

    // ---- sequence runs

    @Test
    default void aSequenceRunStartsRunningAndFinishesWithItsDurationAndFailedSync() {
        Instant start = clock().instant();
        SequenceRun started = store().startSequenceRun("nightly", "schedule");
        assertThat(started).isEqualTo(new SequenceRun(started.id(), "nightly", RunStatus.RUNNING, "schedule", start,
                Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(store().sequenceRuns(Optional.empty(), 10)).containsExactly(started);
        clock().advance(Duration.ofMillis(2_500));

        SequenceRun finished = store().finishSequenceRun(started.id(), RunStatus.FAILED, "users",
                "sync \"users\" failed: connection refused");

        assertThat(finished).isEqualTo(new SequenceRun(started.id(), "nightly", RunStatus.FAILED, "schedule", start,
                Optional.of(Duration.ofMillis(2_500)), Optional.of("users"),
                Optional.of("sync \"users\" failed: connection refused")));
        assertThat(open().sequenceRuns(Optional.of("nightly"), 10)).containsExactly(finished);
    }

    @Test
    default void finishSequenceRunRefusesAStatusThatIsNotFinal() {
        SequenceRun started = store().startSequenceRun("nightly", "manual");

        assertThatThrownBy(() -> store().finishSequenceRun(started.id(), RunStatus.RUNNING, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store().sequenceRuns(Optional.empty(), 10)).containsExactly(started);
    }

    @Test
    default void sequenceRunsAreNewestFirstFilteredBySequenceAndLimited() {
        List<Long> nightly = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (String sequence : List.of("nightly", "hourly")) {
                SequenceRun run = store().startSequenceRun(sequence, "schedule");
                store().finishSequenceRun(run.id(), RunStatus.SUCCEEDED, null, null);
                all.addFirst(run.id());
                if (sequence.equals("nightly")) nightly.addFirst(run.id());
            }
        }

        assertThat(store().sequenceRuns(Optional.empty(), 100)).extracting(SequenceRun::id).containsExactlyElementsOf(all);
        assertThat(store().sequenceRuns(Optional.empty(), 4)).extracting(SequenceRun::id)
                .containsExactlyElementsOf(all.subList(0, 4));
        assertThat(store().sequenceRuns(Optional.of("nightly"), 2)).extracting(SequenceRun::id)
                .containsExactlyElementsOf(nightly.subList(0, 2));
        assertThat(store().sequenceRuns(Optional.of("missing"), 10)).isEmpty();
        assertThatThrownBy(() -> store().sequenceRuns(Optional.empty(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- the cluster scheduler's table

    /** Binds and reads values as db-scheduler does: timestamps with a UTC calendar, booleans, bytes. */
    @Test
    default void theSchedulersTableTakesItsRowsThroughTheStoresDataSource() throws Exception {
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        Timestamp due = Timestamp.from(Instant.parse("2026-03-01T10:15:30.123Z"));
        try (Connection c = store().dataSource().getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("""
                    insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, version,
                                                 priority)
                    values (?, ?, ?, ?, ?, ?, ?)""")) {
                insert.setString(1, "sync-orders");
                insert.setString(2, "recurring");
                insert.setObject(3, new byte[] {1, 2, 3});
                insert.setTimestamp(4, due, utc);
                insert.setBoolean(5, false);
                insert.setLong(6, 1);
                insert.setInt(7, 0);
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("""
                    select task_data, execution_time, picked from scheduled_tasks
                    where execution_time <= ? and picked = ?""")) {
                select.setTimestamp(1, due, utc);
                select.setBoolean(2, false);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes("task_data")).containsExactly(1, 2, 3);
                    assertThat(rs.getTimestamp("execution_time", utc)).isEqualTo(due);
                    assertThat(rs.getBoolean("picked")).isFalse();
                }
            }
        }
        assertThat(store().ensureSync("orders").name()).as("the connection went back to the pool").isEqualTo("orders");
    }

    private AuditEvent appendAudit(String actor, String target) {
        return store().appendAudit(new AuditEntry(actor, "sync.update", target, Optional.empty(), Optional.empty(),
                Optional.empty()));
    }

    private static AuditQuery everything(long afterId, int limit) {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), afterId, limit);
    }

    private static Callable<Boolean> trySave(StateStore store, long expected, CyclicBarrier together) {
        return () -> {
            together.await();
            try {
                store.saveWorkspace(expected, "{\"by\":" + System.identityHashCode(store) + "}", "alice");
                return true;
            } catch (TidemarkException e) {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
                assertThat(e.getMessage()).contains("version " + (expected + 1) + " is newer than the expected " + expected);
                return false;
            }
        };
    }

    private static void assertConflict(ThrowingCallable call, String saying) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains(saying);
        });
    }
}
