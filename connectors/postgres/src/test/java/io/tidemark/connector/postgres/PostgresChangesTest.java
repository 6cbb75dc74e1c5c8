package io.tidemark.connector.postgres;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keyed changes ({@link WriteMode#CHANGES}) against constraints, keys and types of real Postgres tables. */
@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresChangesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final StreamSchema ORDERS = PostgresDestinationTest.ORDERS;
    /** Keyed by (tenant, id), which is not the columns' order. */
    private static final StreamSchema ACCOUNTS = new StreamSchema(new StreamId(null, "accounts"), List.of(
            new Column("id", DataType.UUID_TYPE, false, null), Column.of("name", DataType.STRING),
            new Column("tenant", DataType.string(16), false, null)), List.of("tenant", "id"), null);

    private TestDatabase db;

    @BeforeEach
    void database(PostgresServer server) { db = TestDatabase.create(server, "changes"); }

    @AfterEach
    void close() { db.close(); }

    @Test
    void aConstraintOfTheUsersOwnTableRefusesTheWholeCallWithItsReasonAndTheWriterGoesOn() {
        db.execute("create table orders (id bigint primary key, customer text not null,"
                + " total numeric(12,2) constraint total_not_negative check (total >= 0), cursor int)",
                "insert into orders values (1, 'kept', 1, 1)");

        try (StreamWriter w = open(ORDERS, 1)) {
            assertRefused(() -> w.apply(changes(ChangeOp.UPSERT, ORDERS, order(2, "fine", "2"), order(3, "negative", "-3"))))
                    .hasMessageContaining("total_not_negative");
            assertRefused(() -> w.apply(changes(ChangeOp.UPDATE, project(ORDERS, "id", "customer"), new Object[]{1L, null})))
                    .hasMessageContaining("customer").hasMessageContaining("not-null");

            WriteResult result = w.apply(changes(ChangeOp.INSERT, ORDERS, order(4, "after", "4")));
            assertThat(result.written()).isEqualTo(1);
            w.commit(state(1));
        }
        assertThat(db.rows("select id, customer from orders order by id")).containsExactly(List.of("1", "kept"), List.of("4", "after"));
    }

    @Test
    void anErrorRaisedByATriggerRefusesTheCall() {
        db.execute("create table orders (id bigint primary key, customer text, total numeric(12,2), cursor int)",
                "create function no_bots() returns trigger language plpgsql as $$ begin"
                        + " if new.customer like 'bot%' then raise exception 'bots are not customers: %', new.customer; end if;"
                        + " return new; end $$",
                "create trigger no_bots before insert or update on orders for each row execute function no_bots()");

        try (StreamWriter w = open(ORDERS, 1)) {
            assertRefused(() -> w.apply(changes(ChangeOp.INSERT, ORDERS, order(1, "ada", "1"), order(2, "bot-7", "2"))))
                    .hasMessageContaining("bots are not customers: bot-7");
            assertThat(w.apply(changes(ChangeOp.INSERT, ORDERS, order(1, "ada", "1"))).written()).isEqualTo(1);
            w.commit(state(1));
        }
        assertThat(db.rows("select id from orders")).containsExactly(List.of("1"));
    }

    @Test
    void aValuePostgresCannotHoldIsRefusedNamingTheRecordAndTheWriterGoesOn() {
        StreamSchema events = new StreamSchema(new StreamId(null, "events"), List.of(
                new Column("id", DataType.INT64, false, null), Column.of("at", DataType.TIMESTAMP)), List.of("id"), null);
        try (StreamWriter w = open(events, 1)) {
            assertRefused(() -> w.apply(changes(ChangeOp.UPSERT, events, new Object[]{7L, LocalDateTime.of(300_000, 1, 1, 0, 0)})))
                    .hasMessageContaining("id=7").hasMessageContaining("outside Postgres' range");
            assertThat(w.apply(changes(ChangeOp.UPSERT, events, new Object[]{8L, LocalDateTime.of(2026, 1, 1, 0, 0)})).written()).isEqualTo(1);
            w.commit(state(1));
        }
        assertThat(db.rows("select id from events")).containsExactly(List.of("8"));
    }

    @Test
    void compositeTextAndUuidKeysMatchOnEveryKeyField() {
        UUID a = UUID.fromString("00000000-0000-0000-0000-00000000000a");
        UUID b = UUID.fromString("00000000-0000-0000-0000-00000000000b");
        apply(ACCOUNTS, 1, ChangeOp.INSERT, ACCOUNTS, new Object[]{a, "ada", "acme"}, new Object[]{b, "bob", "acme"}, new Object[]{a, "eve", "umbrella"});
        assertThat(db.value("select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'accounts'::regclass and contype = 'p'"))
                .isEqualTo("PRIMARY KEY (tenant, id)");

        WriteResult updated = apply(ACCOUNTS, 2, ChangeOp.UPDATE, project(ACCOUNTS, "id", "name", "tenant"),
                new Object[]{a, "ada2", "acme"}, new Object[]{b, "ghost", "initech"});
        assertThat(updated.written()).isEqualTo(1);
        assertThat(updated.rejected()).singleElement().satisfies(r -> {
            assertThat(r.key()).containsExactly("initech", b);
            assertThat(r.reason()).isEqualTo("no record with key tenant=initech, id=" + b + " (not found)");
        });

        WriteResult deleted = apply(ACCOUNTS, 3, ChangeOp.DELETE, project(ACCOUNTS, "id", "tenant"),
                new Object[]{a, "umbrella"}, new Object[]{b, "umbrella"});
        assertThat(deleted.deleted()).isEqualTo(1);
        assertThat(db.rows("select tenant, name from accounts order by tenant, name")).containsExactly(List.of("acme", "ada2"), List.of("acme", "bob"));
    }

    @Test
    void anUpdateOfOnlyTheKeyChangesNothingAndStillTellsFoundFromNotFound() {
        apply(ORDERS, 1, ChangeOp.INSERT, ORDERS, order(1, "a", "1"));
        WriteResult result = apply(ORDERS, 2, ChangeOp.UPDATE, project(ORDERS, "id"), new Object[]{1L}, new Object[]{2L});

        assertThat(result.written()).isEqualTo(1);
        assertThat(result.rejected()).extracting(RejectedRow::key).containsExactly(List.of(2L));
        assertThat(db.rows("select id, customer from orders")).containsExactly(List.of("1", "a"));
    }

    @Test
    void aKeyWithANullMatchesNoRecordAndIsRejected() {
        db.execute("create table accounts (id uuid not null, name text, tenant varchar(16), unique (tenant, id))",
                "insert into accounts values ('00000000-0000-0000-0000-000000000001', 'orphan', null)");
        UUID one = UUID.fromString("00000000-0000-0000-0000-000000000001");
        StreamSchema nullableTenant = new StreamSchema(ACCOUNTS.id(), List.of(ACCOUNTS.columns().get(0), ACCOUNTS.columns().get(1),
                Column.of("tenant", DataType.string(16))), ACCOUNTS.primaryKey(), null);

        WriteResult updated = apply(nullableTenant, 1, ChangeOp.UPDATE, nullableTenant, new Object[]{one, "renamed", null});
        WriteResult inserted = apply(nullableTenant, 2, ChangeOp.INSERT, nullableTenant, new Object[]{one, "twin", null}, new Object[]{one, "ok", "acme"});
        WriteResult deleted = apply(nullableTenant, 3, ChangeOp.DELETE, project(nullableTenant, "id", "tenant"), new Object[]{one, null});

        assertThat(updated.rejected()).singleElement().satisfies(r -> {
            assertThat(r.key()).containsExactly(null, one);
            assertThat(r.reason()).contains("tenant=null").contains("has a null");
        });
        assertThat(inserted.written()).isEqualTo(1);
        assertThat(inserted.rejected()).extracting(RejectedRow::key).containsExactly(Arrays.asList(null, one));
        assertThat(deleted.deleted()).isZero();
        assertThat(deleted.rejected()).isEmpty();
        assertThat(db.rows("select tenant, name from accounts order by name"))
                .containsExactly(List.of("acme", "ok"), Arrays.asList(null, "orphan"));
    }

    @Test
    void aKeyRepeatedInOneBatchAppliesAsIfTheRowsCameOneAfterAnother() {
        WriteResult inserted = apply(ORDERS, 1, ChangeOp.INSERT, ORDERS, order(1, "first", "1"), order(1, "second", "1"), order(2, "b", "2"));
        assertThat(inserted.written()).isEqualTo(2);
        assertThat(inserted.rejected()).singleElement().satisfies(r -> {
            assertThat(r.key()).containsExactly(1L);
            assertThat(r.reason()).isEqualTo("a record with key id=1 already exists");
        });

        StreamSchema customer = project(ORDERS, "id", "customer");
        assertThat(apply(ORDERS, 2, ChangeOp.UPSERT, customer, new Object[]{1L, "x"}, new Object[]{1L, "y"}).written()).isEqualTo(2);
        WriteResult updated = apply(ORDERS, 3, ChangeOp.UPDATE, customer, new Object[]{2L, "p"}, new Object[]{3L, "r"}, new Object[]{2L, "q"});
        assertThat(updated.written()).isEqualTo(2);
        assertThat(updated.rejected()).extracting(RejectedRow::key).containsExactly(List.of(3L));
        assertThat(db.rows("select id, customer from orders order by id")).containsExactly(List.of("1", "y"), List.of("2", "q"));

        assertThat(apply(ORDERS, 4, ChangeOp.DELETE, project(ORDERS, "id"), new Object[]{1L}, new Object[]{1L}).deleted()).isEqualTo(1);
    }

    @Test
    void changesAreInvisibleToOthersUntilTheCommit() {
        apply(ORDERS, 1, ChangeOp.INSERT, ORDERS, order(1, "a", "1"));
        try (StreamWriter w = open(ORDERS, 2)) {
            w.apply(changes(ChangeOp.UPDATE, project(ORDERS, "id", "customer"), new Object[]{1L, "changed"}));
            w.apply(changes(ChangeOp.INSERT, ORDERS, order(2, "b", "2")));
            assertThat(db.rows("select id, customer from orders")).containsExactly(List.of("1", "a"));
            w.commit(state(2));
        }
        assertThat(db.rows("select id, customer from orders order by id")).containsExactly(List.of("1", "changed"), List.of("2", "b"));
    }

    @Test
    void aRunWithoutChangesStillCreatesTheTargetWithItsKey() {
        try (StreamWriter w = open(ORDERS, 1)) {
            w.commit(state(1));
        }
        assertThat(db.columnTypes("orders")).containsExactly("id: bigint", "customer: character varying(32)", "total: numeric(12,2)", "cursor: integer");
        assertThat(db.value("select count(*) from pg_constraint where conrelid = 'orders'::regclass and contype = 'p'")).isEqualTo("1");
    }

    @Test
    void anExistingTableWithoutAUniqueKeyOnTheRecordMatchingFieldsIsRefused() {
        db.execute("create table orders (id bigint, customer text, total numeric, cursor int)");

        assertThatThrownBy(() -> open(ORDERS, 1))
                .hasMessageContaining("no primary key or unique index on (id)").hasMessageContaining("applying keyed changes")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
    }

    @Test
    void truncateRemovesEveryRecordAtCommit() {
        apply(ORDERS, 1, ChangeOp.UPSERT, ORDERS, order(1, "a", "1"), order(2, "b", "2"), order(3, "c", "3"));
        try (StreamWriter w = open(ORDERS, 2)) {
            w.apply(changes(ChangeOp.UPSERT, ORDERS, order(4, "d", "4")));
            assertThat(w.truncate()).isEqualTo(4);
            w.apply(changes(ChangeOp.UPSERT, ORDERS, order(5, "e", "5")));
            assertThat(db.rows("select id from orders order by id")).containsExactly(List.of("1"), List.of("2"), List.of("3"));
            w.commit(state(2));
        }
        assertThat(db.rows("select id, customer from orders")).containsExactly(List.of("5", "e"));
        assertThat(db.destination.committedState("sync_orders")).get().extracting(CommittedState::runId).isEqualTo(2L);
    }

    @Test
    void truncateIsDiscardedWithoutCommit() {
        apply(ORDERS, 1, ChangeOp.UPSERT, ORDERS, order(1, "a", "1"), order(2, "b", "2"));
        try (StreamWriter w = open(ORDERS, 2)) {
            assertThat(w.truncate()).isEqualTo(2);
        }
        assertThat(db.rows("select id from orders order by id")).containsExactly(List.of("1"), List.of("2"));
        assertThat(db.destination.committedState("sync_orders")).get().extracting(CommittedState::runId).isEqualTo(1L);
    }

    @Test
    void truncateOfATargetWithoutRecordsRemovesNothingAndCreatesAMissingTarget() {
        try (StreamWriter w = open(ORDERS, 1)) {
            assertThat(w.truncate()).isZero();
            assertThat(w.truncate()).isZero();
            w.commit(state(1));
        }
        assertThat(db.rows("select count(*) from orders")).containsExactly(List.of("0"));
    }

    @Test
    void aTruncateRefusedByAForeignKeyRemovesNothingAndTheWriterGoesOn() {
        db.execute("create table orders (id bigint primary key, customer text, total numeric(12,2), cursor int)",
                "create table lines (order_id bigint references orders (id))",
                "insert into orders values (1, 'a', 1, 1)", "insert into lines values (1)");
        try (StreamWriter w = open(ORDERS, 1)) {
            assertRefused(w::truncate).hasMessageContaining("removing every record").hasMessageContaining("lines");
            w.apply(changes(ChangeOp.INSERT, ORDERS, order(2, "b", "2")));
            w.commit(state(1));
        }
        assertThat(db.rows("select id from orders order by id")).containsExactly(List.of("1"), List.of("2"));
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"REPLACE", "UPSERT", "APPEND"})
    void truncateIsRefusedOutsideKeyedChanges(WriteMode mode) {
        try (StreamWriter w = db.destination.open(request(ORDERS, mode, 1))) {
            assertThatThrownBy(w::truncate).isInstanceOfSatisfying(TidemarkException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED)).hasMessageContaining("CHANGES");
        }
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"REPLACE", "UPSERT", "APPEND"})
    void commitDataOnlyMakesRowsDurableAndLeavesTheStateAlone(WriteMode mode) {
        try (StreamWriter w = db.destination.open(request(ORDERS, mode, 1))) {
            w.write(new RowBatch(ORDERS, List.<Object[]>of(order(1, "a", "1"))));
            w.commit(state(1));
        }
        try (StreamWriter w = db.destination.open(request(ORDERS, mode, 2))) {
            w.write(new RowBatch(ORDERS, List.<Object[]>of(order(2, "b", "2"))));
            w.commitDataOnly();
        }
        assertThat(db.rows("select id from orders order by id")).containsExactlyElementsOf(
                mode == WriteMode.REPLACE ? List.of(List.of("2")) : List.of(List.of("1"), List.of("2")));
        assertThat(db.destination.committedState("sync_orders")).get().extracting(CommittedState::runId).isEqualTo(1L);
    }

    private static Object[] order(long id, String customer, String total) {
        return new Object[]{id, customer, new BigDecimal(total), (int) id};
    }

    private static StreamSchema project(StreamSchema schema, String... names) {
        return new StreamSchema(schema.id(), Arrays.stream(names).map(n -> schema.column(n).orElseThrow()).toList(),
                schema.primaryKey(), schema.nativeDialect());
    }

    private static ChangeBatch changes(ChangeOp op, StreamSchema rowSchema, Object[]... rows) {
        return new ChangeBatch(op, new RowBatch(rowSchema, List.of(rows)));
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(TidemarkException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DESTINATION_REJECTED));
    }

    /** Applies one batch in a run of its own and commits it. */
    private WriteResult apply(StreamSchema schema, long runId, ChangeOp op, StreamSchema rowSchema, Object[]... rows) {
        try (StreamWriter w = open(schema, runId)) {
            WriteResult result = w.apply(changes(op, rowSchema, rows));
            w.commit(new CommittedState("sync_" + schema.id().name(), runId, "{\"run\":" + runId + "}", NOW));
            return result;
        }
    }

    private StreamWriter open(StreamSchema schema, long runId) {
        return db.destination.open(request(schema, WriteMode.CHANGES, runId));
    }

    private static WriteRequest request(StreamSchema schema, WriteMode mode, long runId) {
        return new WriteRequest("sync_" + schema.id().name(), schema.id(), schema, mode, runId, NOW,
                mode == WriteMode.APPEND ? List.of("id") : List.of());
    }

    private static CommittedState state(long runId) {
        return new CommittedState("sync_orders", runId, "{\"run\":" + runId + "}", NOW);
    }
}
