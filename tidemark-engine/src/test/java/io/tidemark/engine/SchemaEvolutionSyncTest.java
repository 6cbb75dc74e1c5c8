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
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.config.ConnectionConfig;
import io.tidemark.store.AuditEvent;
import io.tidemark.store.AuditQuery;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.SchemaChangeRecord;
import io.tidemark.store.StateStore;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Source schema changes end to end: a real Postgres source altered between (and, for cdc, during) runs, every kind of
 * change under every policy it allows, for every sync type, read back from the destination through its connector.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class SchemaEvolutionSyncTest {
    private static final String SYNC = "orders_sync";
    /** Fits a bigint, not an int: only a widened column holds it. */
    private static final long BIG = 5_000_000_000L;

    @TempDir Path dir;
    private final PostgresServer pg;
    private final String shop;
    private final PostgresSourceFixture fixture;

    SchemaEvolutionSyncTest(PostgresServer pg) {
        this.pg = pg;
        this.fixture = new PostgresSourceFixture(pg);
        this.shop = pg.createDatabase("shop");
        pg.execute(shop, "create table orders (id bigint primary key, qty int not null, note text, legacy text, version bigint not null)",
                "insert into orders values (1, 1, 'a', 'x', 1), (2, 2, 'b', 'y', 2)");
    }

    @AfterEach
    void dropSlots() {
        fixture.dropIdleSlots(shop);
    }

    /** A kind of source change: the DDL, then the writes made in the new shape (one source transaction). */
    enum Change {
        ADDED("column_added", "alter table orders add column email text; insert into orders values (3, 3, 'c', 'z', 3, 'c@x'); "
                + "update orders set email = 'a@x', version = 4 where id = 1"),
        DROPPED("column_dropped", "alter table orders drop column legacy; insert into orders values (3, 3, 'c', 3); "
                + "update orders set version = 4 where id = 1"),
        WIDENED("type_widened", "alter table orders alter column qty type bigint; insert into orders values (3, " + BIG + ", 'c', 'z', 3); "
                + "update orders set version = 4 where id = 1"),
        CHANGED("type_changed", "alter table orders alter column note type int using length(note); insert into orders values (3, 3, 7, 'z', 3)"),
        KEY("primary_key_changed", "alter table orders rename column id to order_id; insert into orders values (3, 3, 'c', 'z', 3)");

        final String kind;
        final String sql;

        Change(String kind, String sql) {
            this.kind = kind;
            this.sql = sql;
        }
    }

    static Stream<Arguments> everyKindPolicyAndSyncType() {
        Map<Change, List<String>> allowed = Map.of(Change.ADDED, List.of("propagate", "ignore", "pause", "fail"),
                Change.DROPPED, List.of("propagate", "ignore", "pause", "fail"), Change.WIDENED, List.of("propagate", "pause", "fail"),
                Change.CHANGED, List.of("pause", "fail"), Change.KEY, List.of("pause", "fail"));
        List<Arguments> cases = new ArrayList<>();
        for (SyncType type : List.of(SyncType.FULL_REFRESH, SyncType.INCREMENTAL, SyncType.APPEND, SyncType.DIFF, SyncType.CDC)) {
            for (Change change : Change.values()) {
                for (String policy : allowed.get(change)) cases.add(Arguments.of(type, change, policy));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} with {2}")
    @MethodSource("everyKindPolicyAndSyncType")
    void eachKindOfChangeFollowsItsPolicyForEachSyncType(SyncType type, Change change, String policy) throws Exception {
        try (SyncEngine engine = engine(type, "duckdb", "schema_policy: { " + change.kind + ": " + policy + " }")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source(change.sql);

            RunRecord run = engine.run(SYNC, "manual", RunListener.NONE);

            List<SchemaChangeRecord> recorded = engine.schemaChanges(run.id());
            assertThat(recorded).as(run.status() + ": " + run.errorMessage()).extracting(SchemaChangeRecord::kind, SchemaChangeRecord::action).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(change.kind, policy));
            assertThat(audit()).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("schema " + policy);
                assertThat(e.target()).isEqualTo("sync/" + SYNC);
            });
            switch (policy) {
                case "propagate", "ignore" -> {
                    succeeded(run);
                    assertThat(engine.isPaused(SYNC)).isFalse();
                    expectApplied(engine, type, change, policy);
                }
                case "pause", "fail" -> {
                    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                    assertThat(run.errorCode()).isEqualTo(ErrorCode.SCHEMA_CHANGED.code());
                    assertThat(run.errorMessage()).contains(": " + policy + " (schema_policy " + change.kind + ")").contains("nothing was written")
                            .contains(type == SyncType.DIFF ? "tidemark delete-data " + SYNC : "tidemark resync " + SYNC);
                    // A key set on the model that left the table must be set anew before anything can rebuild.
                    boolean keyLeft = change == Change.KEY && type != SyncType.CDC;
                    if (keyLeft) assertThat(run.errorMessage()).contains("set primary_key to the table's new key");
                    assertThat(engine.isPaused(SYNC)).isEqualTo(policy.equals("pause"));
                    assertThat(ids(engine)).as("nothing of the new shape was written").doesNotContain(3L);
                    if (policy.equals("pause")) {
                        assertThatThrownBy(() -> engine.run(SYNC, "manual", RunListener.NONE)).isInstanceOfSatisfying(TidemarkException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SYNC_PAUSED));
                        if (keyLeft) return;
                        // The way out the message offers: rebuild in the new shape, then resume.
                        if (type == SyncType.DIFF) engine.deleteData(SYNC);
                        else succeeded(engine.resync(SYNC, RunListener.NONE));
                        engine.resume(SYNC);
                        succeeded(engine.run(SYNC, "manual", RunListener.NONE));
                        assertThat(rows(engine)).hasSizeGreaterThanOrEqualTo(3);
                        assertThat(engine.plan(SYNC).schemaChanges()).as("the new shape is the baseline").isEmpty();
                    } else {
                        RunRecord again = engine.run(SYNC, "manual", RunListener.NONE);
                        assertThat(again.errorCode()).as("the next run meets the change again").isEqualTo(ErrorCode.SCHEMA_CHANGED.code());
                    }
                }
                default -> throw new IllegalArgumentException(policy);
            }
        }
    }

    private void expectApplied(SyncEngine engine, SyncType type, Change change, String policy) {
        Map<String, Object> third = latest(engine, 3);
        switch (change) {
            case ADDED -> {
                if (policy.equals("propagate")) {
                    assertThat(third).containsEntry("email", "c@x");
                    assertThat(latest(engine, 1)).containsEntry("email", "a@x");
                } else {
                    assertThat(third).doesNotContainKey("email").containsEntry("note", "c");
                }
            }
            case DROPPED -> {
                assertThat(third).containsEntry("legacy", null).containsEntry("note", "c");
                boolean keepsRows = type == SyncType.INCREMENTAL || type == SyncType.DIFF || type == SyncType.CDC;
                // propagate writes nulls to the dropped column; ignore leaves what the destination holds (a full
                // refresh rewrites every row, and an append row is a new version: null there either way).
                Object legacyOfFirst = policy.equals("ignore") && keepsRows ? "x" : null;
                assertThat(latest(engine, 1)).containsEntry("legacy", legacyOfFirst).containsEntry("version", 4L);
            }
            case WIDENED -> assertThat(((Number) third.get("qty")).longValue()).isEqualTo(BIG);
            default -> throw new IllegalArgumentException(change + " is never applied");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "duckdb", "sqlite", "files"})
    void everyDestinationGainsWidensAndKeepsColumnsForEverySyncType(String destination) throws Exception {
        List<SyncType> types = destination.equals("files")
                ? List.of(SyncType.FULL_REFRESH, SyncType.INCREMENTAL, SyncType.APPEND, SyncType.DIFF)
                : List.of(SyncType.FULL_REFRESH, SyncType.INCREMENTAL, SyncType.APPEND, SyncType.DIFF, SyncType.CDC);
        for (SyncType type : types) {
            reset();
            try (SyncEngine engine = engine(type, destination, "")) {
                succeeded(engine.run(SYNC, "manual", RunListener.NONE));
                source("alter table orders add column email text; alter table orders drop column legacy; "
                        + "alter table orders alter column qty type bigint; insert into orders values (3, " + BIG + ", 'c', 3, 'c@x')");

                RunRecord run = succeeded(engine.run(SYNC, "manual", RunListener.NONE));

                assertThat(engine.schemaChanges(run.id())).as(type + " into " + destination).extracting(SchemaChangeRecord::kind)
                        .containsExactlyInAnyOrder("column_added", "column_dropped", "type_widened");
                Map<String, Object> third = latest(engine, 3);
                assertThat(third).as(type + " into " + destination).containsEntry("email", "c@x").containsEntry("legacy", null);
                assertThat(((Number) third.get("qty")).longValue()).isEqualTo(BIG);
                assertThat(latest(engine, 2)).containsKey("legacy");
                // Nothing new on the next run: the baseline moved with the destination.
                assertThat(engine.schemaChanges(succeeded(engine.run(SYNC, "manual", RunListener.NONE)).id())).isEmpty();
            }
        }
    }

    @Test
    void aCdcColumnAddedAndFilledInOneTransactionAfterEarlierRowsArrivesWhole() throws Exception {
        try (SyncEngine engine = engine(SyncType.CDC, "postgres", "")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source("insert into orders values (3, 3, 'c', 'z', 3)");
            // One source transaction: a row in the old shape, the change, rows in the new shape.
            source("insert into orders values (4, 4, 'd', 'w', 4); alter table orders add column email text; "
                    + "insert into orders values (5, 5, 'e', 'v', 5, 'e@x'); update orders set email = 'a@x' where id = 1");
            source("insert into orders values (6, 6, 'f', 'u', 6, 'f@x')");

            RunRecord run = succeeded(engine.run(SYNC, "manual", RunListener.NONE));

            assertThat(engine.schemaChanges(run.id())).extracting(SchemaChangeRecord::kind).containsExactly("column_added");
            assertThat(ids(engine)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(latest(engine, 5)).containsEntry("email", "e@x");
            assertThat(latest(engine, 1)).containsEntry("email", "a@x");
            assertThat(latest(engine, 4)).containsEntry("email", null).containsEntry("note", "d");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"INCREMENTAL", "CDC"})
    void aColumnDroppedAndAddedBackWithAnotherTypePausesAsAnUnsafeChange(SyncType type) throws Exception {
        try (SyncEngine engine = engine(type, "duckdb", "")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source("alter table orders drop column legacy; insert into orders values (3, 3, 'c', 3)");
            RunRecord dropped = succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            assertThat(engine.schemaChanges(dropped.id())).extracting(SchemaChangeRecord::kind).containsExactly("column_dropped");

            source("alter table orders add column legacy int; insert into orders values (4, 4, 'd', 4, 44)");
            RunRecord readded = engine.run(SYNC, "manual", RunListener.NONE);

            assertThat(readded.errorCode()).isEqualTo(ErrorCode.SCHEMA_CHANGED.code());
            assertThat(readded.errorMessage()).contains("column legacy changed type from string to int32: pause");
            assertThat(engine.isPaused(SYNC)).isTrue();
            assertThat(ids(engine)).containsExactly(1L, 2L, 3L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"INCREMENTAL", "DIFF", "CDC"})
    void changesMadeWhileTheSyncWasPausedAreAppliedOnResume(SyncType type) throws Exception {
        try (SyncEngine engine = engine(type, "duckdb", "")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            engine.pause(SYNC);
            source("insert into orders values (3, 3, 'c', 'z', 3)");
            source("alter table orders add column email text; insert into orders values (4, 4, 'd', 'w', 4, 'd@x')");
            source("alter table orders alter column qty type bigint; insert into orders values (5, " + BIG + ", 'e', 'v', 5, 'e@x')");

            engine.resume(SYNC);
            RunRecord run = succeeded(engine.run(SYNC, "manual", RunListener.NONE));

            assertThat(engine.schemaChanges(run.id())).extracting(SchemaChangeRecord::kind).containsExactlyInAnyOrder("column_added", "type_widened");
            assertThat(ids(engine)).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(latest(engine, 4)).containsEntry("email", "d@x");
            assertThat(((Number) latest(engine, 5).get("qty")).longValue()).isEqualTo(BIG);
        }
    }

    @Test
    void planShowsPendingChangesAndWhatThePolicyWillDoBeforeAnythingRuns() throws Exception {
        try (SyncEngine engine = engine(SyncType.INCREMENTAL, "duckdb", "schema_policy: { type_widened: pause }")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source("alter table orders add column email text", "alter table orders alter column qty type bigint");

            ChangePlan plan = engine.plan(SYNC);

            assertThat(plan.schemaChanges()).extracting(d -> d.change().describe() + " -> " + d.action().configName())
                    .containsExactlyInAnyOrder("column email (string) added -> propagate", "column qty widened from int32 to int64 -> pause");
            assertThat(engine.isPaused(SYNC)).as("a plan changes nothing").isFalse();
            assertThat(plan.schemaChoices()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .isEqualTo("`tidemark resync " + SYNC + "` rebuilds the destination in the new shape, or set schema_policy to propagate "
                            + "(or ignore) for it, or undo the change at the source");
            assertThat(columns(engine)).doesNotContain("email");
        }
    }

    @Test
    void testRowRefusesWhileAChangeTheRunWouldStopOnIsPending() throws Exception {
        try (SyncEngine engine = engine(SyncType.DIFF, "duckdb", "schema_policy: { column_added: pause }")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source("alter table orders add column email text");

            assertThatThrownBy(() -> engine.testRow(SYNC, List.of("1"), Optional.empty(), Map.of()))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_CHANGED);
                        assertThat(e.getMessage()).contains("column email (string) added: pause").contains("no row is sent")
                                .contains("tidemark plan " + SYNC);
                    });
            assertThat(engine.isPaused(SYNC)).as("a test row pauses nothing").isFalse();
        }
    }

    @Test
    void aCdcShapeDecidedButNeverCommittedIsNotKeptAsTheBaseline() throws Exception {
        try (SyncEngine engine = engine(SyncType.CDC, "duckdb", "schema_policy: { column_dropped: pause }")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            // One source transaction: a row in the old shape, a new column, and a value DuckDB's decimal(38,10) refuses.
            source("insert into orders values (3, 3, 'c', 'z', 3); alter table orders add column amount numeric; "
                    + "insert into orders values (4, 4, 'd', 'w', 4, 1e35)");

            RunRecord failed = engine.run(SYNC, "manual", RunListener.NONE);
            assertThat(failed.errorCode()).as(failed.errorMessage()).isEqualTo(ErrorCode.DESTINATION_REJECTED.code());
            assertThat(engine.schemaChanges(failed.id())).as("the new shape never committed").isEmpty();
            assertThat(engine.plan(SYNC).schemaChanges()).extracting(d -> d.change().describe()).containsExactly("column amount (decimal) added");

            // The log sends the transaction again from its start, in the old shape first: no phantom drop, no pause.
            RunRecord again = engine.run(SYNC, "manual", RunListener.NONE);
            assertThat(again.errorCode()).as(again.errorMessage()).isEqualTo(ErrorCode.DESTINATION_REJECTED.code());
            assertThat(engine.isPaused(SYNC)).isFalse();
        }
    }

    @Test
    void aKeyChangedWhileACdcRunFollowsTheLogPausesTheSyncBeforeRowsOverwriteEachOther() throws Exception {
        try (SyncEngine engine = engine(SyncType.CDC, "duckdb", "")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            java.util.concurrent.CompletableFuture<RunRecord> running = following(engine);
            source("insert into orders values (3, 3, 'c', 'z', 3)");
            source("alter table orders drop constraint orders_pkey, add primary key (id, version)",
                    "insert into orders values (3, 4, 'c2', 'z', 4)");

            RunRecord run = running.get(60, java.util.concurrent.TimeUnit.SECONDS); // the schema change ends it

            assertThat(run.errorCode()).as(run.errorMessage()).isEqualTo(ErrorCode.SCHEMA_CHANGED.code());
            assertThat(run.errorMessage()).contains("primary key changed from (id) to (id, version): pause");
            assertThat(engine.isPaused(SYNC)).isTrue();
            // Changes before the key change may or may not have been committed (uncommitted ones are read again next
            // time); the row that would have overwritten id 3 never was.
            assertThat(rows(engine)).extracting(r -> r.get("note")).doesNotContain("c2");
        }
    }

    @Test
    void aCdcSyncKeepingAMirrorAndAChangeLogEvolvesBoth() throws Exception {
        try (SyncEngine engine = engine(SyncType.CDC, "postgres", "cdc_table_mode: both")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source("alter table orders add column email text; alter table orders alter column qty type bigint; "
                    + "insert into orders values (3, " + BIG + ", 'c', 'z', 3, 'c@x')");

            succeeded(engine.run(SYNC, "manual", RunListener.NONE));

            assertThat(latest(engine, 3)).containsEntry("email", "c@x");
            List<String> logged = query(fixture.warehouse(), "select id || ':' || qty || ':' || coalesce(email, '-') || ':' || _tidemark_op "
                    + "from orders_changelog order by _tidemark_position, _tidemark_change_seq, id");
            assertThat(logged).containsExactly("1:1:-:snapshot", "2:2:-:snapshot", "3:" + BIG + ":c@x:insert");
        }
    }

    @Test
    void theChangesBeforeAShapeChangeInTheMiddleOfATransactionAreLoggedOnceAcrossRuns() throws Exception {
        try (SyncEngine engine = engine(SyncType.CDC, "duckdb", "cdc_table_mode: changelog")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            // One transaction: a row, the new column, then a value DuckDB's decimal(38,10) refuses. The row before the change
            // is committed so that the new shape can be applied; the run then fails on the refused value.
            source("insert into orders values (3, 3, 'c', 'z', 3); alter table orders add column amount numeric; "
                    + "insert into orders values (4, 4, 'd', 'w', 4, 1e35)");

            refusedTwice(engine);

            // The second run read the transaction again from its start and skipped the change it had already logged.
            assertThat(rows(engine)).filteredOn(r -> ((Number) r.get("id")).longValue() == 3).hasSize(1);
        }
    }

    @Test
    void twoShapeChangesInOneTransactionResumeWithoutAPhantomChange() throws Exception {
        try (SyncEngine engine = engine(SyncType.CDC, "duckdb", "cdc_table_mode: changelog")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            // The run commits the part before each change, then fails on a value DuckDB refuses. The next run replays the
            // transaction from its start, shapes the destination is already past included.
            source("insert into orders values (3, 3, 'c', 'z', 3); alter table orders alter column qty type bigint; "
                    + "insert into orders values (4, " + BIG + ", 'd', 'w', 4); alter table orders add column amount numeric; "
                    + "insert into orders values (5, 5, 'e', 'v', 5, 1e35)");

            refusedTwice(engine);
            assertThat(engine.isPaused(SYNC)).isFalse();
            assertThat(rows(engine)).extracting(r -> ((Number) r.get("id")).longValue()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void aKeyChangedBeforeTheFirstChangeAFollowingRunSeesIsMetThere() throws Exception {
        try (SyncEngine engine = engine(SyncType.CDC, "duckdb", "")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            java.util.concurrent.CompletableFuture<RunRecord> running = following(engine);
            awaitActiveSlot(); // the run has described the table with its old key and is streaming
            source("alter table orders drop constraint orders_pkey, add primary key (id, version)",
                    "insert into orders values (1, 9, 'a2', 'x', 9)");

            RunRecord run = running.get(60, java.util.concurrent.TimeUnit.SECONDS); // the schema change ends it

            assertThat(run.errorCode()).as(run.errorMessage()).isEqualTo(ErrorCode.SCHEMA_CHANGED.code());
            assertThat(rows(engine)).extracting(r -> r.get("note")).doesNotContain("a2");
        }
    }

    @Test
    void aDiffSyncWhoseKeyColumnIsWidenedStopsAsAnIdentityChange() throws Exception {
        try (SyncEngine engine = engine(SyncType.DIFF, "duckdb", "")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source("alter table orders alter column id type numeric(20,0)");

            RunRecord run = engine.run(SYNC, "manual", RunListener.NONE);

            assertThat(run.errorCode()).isEqualTo(ErrorCode.SCHEMA_CHANGED.code());
            assertThat(run.errorMessage()).contains("column id, which finds destination records, changed from int64 to decimal(20,0): pause")
                    .contains("tidemark delete-data " + SYNC).doesNotContain("set primary_key");
            assertThat(engine.plan(SYNC).schemaChoices()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("`tidemark delete-data " + SYNC + "`");
            assertThat(engine.isPaused(SYNC)).isTrue();
        }
    }

    @Test
    void aMappedDiffSyncIgnoringADroppedMappedColumnStopsSendingItAndKeepsTheDestinationsValues() throws Exception {
        try (SyncEngine engine = engine(SyncType.DIFF, "duckdb",
                "field_mapping: { id: id, note: note, legacy: legacy }, schema_policy: { column_dropped: ignore }")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source("alter table orders drop column legacy", "update orders set note = 'a2' where id = 1",
                    "insert into orders values (3, 3, 'c', 3)");

            RunRecord run = succeeded(engine.run(SYNC, "manual", RunListener.NONE));

            assertThat(engine.schemaChanges(run.id())).extracting(SchemaChangeRecord::kind, SchemaChangeRecord::action)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("column_dropped", "ignore"));
            assertThat(latest(engine, 1)).containsEntry("note", "a2").containsEntry("legacy", "x");
            assertThat(latest(engine, 3)).containsEntry("note", "c").containsEntry("legacy", null);
        }
    }

    @Test
    void aMappedDiffSyncWhoseMappedColumnsAllLeftStopsRatherThanSendEveryColumn() throws Exception {
        try (SyncEngine engine = engine(SyncType.DIFF, "duckdb", "field_mapping: { legacy: legacy }, schema_policy: { column_dropped: ignore }")) {
            succeeded(engine.run(SYNC, "manual", RunListener.NONE));
            source("alter table orders drop column legacy");

            RunRecord run = engine.run(SYNC, "manual", RunListener.NONE);

            assertThat(run.errorCode()).isEqualTo(ErrorCode.SCHEMA_CHANGED.code());
            assertThat(run.errorMessage()).contains("every column in field_mapping (legacy) has left the source");
            assertThat(columns(engine)).containsExactlyInAnyOrder("id", "legacy");
        }
    }

    // ---- fixtures

    private SyncEngine engine(SyncType type, String destination, String settings) throws Exception {
        String syncType = switch (type) {
            case INCREMENTAL -> "incremental, cursor_field: version, cursor_type: integer";
            case APPEND -> "append, cursor_field: version, cursor_type: integer";
            default -> type.configName();
        };
        String yaml = """
                connections:
                  shop: { type: postgres, url: "%s", user: postgres }
                  wh: %s
                models:
                  orders: { connection: shop, table: public.orders%s }
                syncs:
                  %s: { model: orders, destination: wh, table: orders, sync_type: %s%s }
                """.formatted(pg.jdbcUrl(shop), fixture.destination(destination), type == SyncType.CDC ? "" : ", primary_key: [id]",
                SYNC, syncType, settings.isEmpty() ? "" : ", " + settings);
        Path file = dir.resolve("tidemark.yaml");
        Files.writeString(file, yaml);
        Files.createDirectories(dir.resolve("out"));
        return DiffSyncTest.openEngine(file, dir);
    }


    /** A fresh source table, destination and state for the next case of a loop. */
    private void reset() throws Exception {
        dropSlots();
        pg.execute(shop, "drop table if exists orders",
                "create table orders (id bigint primary key, qty int not null, note text, legacy text, version bigint not null)",
                "insert into orders values (1, 1, 'a', 'x', 1), (2, 2, 'b', 'y', 2)");
        if (fixture.hasWarehouse()) pg.execute(fixture.warehouse(), "drop schema public cascade", "create schema public");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) deleteRecursively(p);
        }
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> children = Files.list(p)) {
                for (Path c : children.toList()) deleteRecursively(c);
            }
        }
        Files.delete(p);
    }

    private void source(String... statements) { pg.execute(shop, statements); }

    /** A cdc run of the sync that follows the log until a stop (or a schema change) ends it. */
    private static java.util.concurrent.CompletableFuture<RunRecord> following(SyncEngine engine) {
        RunControl control = RunControl.following();
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> engine.run(SYNC, "test", RunListener.NONE, control));
    }

    /** Two runs in a row fail on the value the destination refuses: the second one re-reads what the first left. */
    private static void refusedTwice(SyncEngine engine) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            RunRecord failed = engine.run(SYNC, "manual", RunListener.NONE);
            assertThat(failed.errorCode()).as(failed.errorMessage()).isEqualTo(ErrorCode.DESTINATION_REJECTED.code());
        }
    }

    private void awaitActiveSlot() throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!query(shop, "select active::text from pg_replication_slots where database = current_database()").contains("true")) {
            assertThat(System.nanoTime()).as("waiting for the run to stream").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private List<String> query(String database, String sql) throws java.sql.SQLException { return fixture.query(database, sql); }

    private static RunRecord succeeded(RunRecord run) {
        assertThat(run.status()).as(run.errorMessage()).isIn(RunStatus.SUCCEEDED, RunStatus.SUCCEEDED_WITH_REJECTIONS);
        return run;
    }

    private List<AuditEvent> audit() {
        try (StateStore store = StateStore.defaultSqlite(dir, Clock.systemUTC())) {
            return store.audit(new AuditQuery(Optional.of("sync/" + SYNC), Optional.empty(), Optional.empty(), 0, 100));
        }
    }

    /** The destination table read back through its connector: one map per row, column name to value. */
    private List<Map<String, Object>> rows(SyncEngine engine) {
        ConnectionConfig c = engine.workspace().connection("wh");
        var factory = ConnectorRegistry.load().get(c.type());
        try (Source source = factory.openSource(c.config(), new ConnectorContext(Clock.systemUTC(), dir))) {
            ModelSpec spec = ModelSpec.table("orders", new StreamId(null, "orders"), List.of());
            StreamSchema schema = source.describe(spec);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (StreamReader r = source.read(new ReadRequest(spec, schema, SyncType.FULL_REFRESH, Optional.empty(), 1000))) {
                for (RowBatch b = r.next(); b != null; b = r.next()) {
                    for (Object[] row : b.rows()) {
                        Map<String, Object> named = new LinkedHashMap<>();
                        for (int i = 0; i < row.length; i++) named.put(schema.columns().get(i).name(), normal(row[i]));
                        rows.add(named);
                    }
                }
            }
            return rows;
        }
    }

    /** Integers as longs whatever width the destination stores (and a files CSV reads them back as text or decimal). */
    private static Object normal(Object value) {
        if (value instanceof Integer || value instanceof Short) return ((Number) value).longValue();
        if (value instanceof BigDecimal d && d.scale() <= 0) return d.longValueExact();
        return value;
    }

    private List<String> columns(SyncEngine engine) {
        List<Map<String, Object>> rows = rows(engine);
        return rows.isEmpty() ? List.of() : List.copyOf(rows.getFirst().keySet());
    }

    private List<Long> ids(SyncEngine engine) {
        return rows(engine).stream().map(r -> ((Number) r.get("id")).longValue()).distinct().sorted().toList();
    }

    /** The newest version of the row with this id (append keeps every version). */
    private Map<String, Object> latest(SyncEngine engine, long id) {
        Map<Long, Map<String, Object>> newest = new HashMap<>();
        for (Map<String, Object> row : rows(engine)) {
            newest.merge(((Number) row.get("id")).longValue(), row,
                    (a, b) -> Comparator.<Map<String, Object>, Long>comparing(r -> ((Number) r.get("version")).longValue()).compare(a, b) >= 0 ? a : b);
        }
        assertThat(newest).as("rows by id").containsKey(id);
        return newest.get(id);
    }
}
