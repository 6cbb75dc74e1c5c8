package io.tidemark.connector.postgres;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresDestinationTest {
    static final StreamSchema ORDERS = new StreamSchema(new StreamId(null, "orders"), List.of(
            new Column("id", DataType.INT64, false, null), Column.of("customer", DataType.string(32)),
            Column.of("total", DataType.decimal(12, 2)), Column.of("cursor", DataType.INT32)), List.of("id"), null);
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private TestDatabase db;

    @BeforeEach
    void database(PostgresServer server) { db = TestDatabase.create(server, "destination"); }

    @AfterEach
    void close() { db.close(); }

    static Object[] order(long id, String customer) { return new Object[]{id, customer, BigDecimal.valueOf(id, 2), (int) id}; }

    @Test
    void replaceCleansUpAStaleShadowTableFromAKilledRunAndKeepsAStableKeyName() {
        write(ORDERS, WriteMode.REPLACE, 1, List.<Object[]>of(order(1, "a")));
        db.execute("create table orders__tidemark_shadow (junk text)", "insert into orders__tidemark_shadow values ('left over')");

        write(ORDERS, WriteMode.REPLACE, 2, List.<Object[]>of(order(2, "b"), order(3, "c")));

        assertThat(db.rows("select id, customer from orders order by id")).containsExactly(List.of("2", "b"), List.of("3", "c"));
        assertThat(db.value("select to_regclass('orders__tidemark_shadow') is null")).isEqualTo("t");
        assertThat(db.value("select conname from pg_constraint where conrelid = 'orders'::regclass and contype = 'p'")).isEqualTo("orders_pkey");
    }

    @Test
    void replaceWorksForTableNamesAtPostgresLengthLimit() {
        String name = "order_lines_with_a_rather_long_name_that_fills_the_limit_of_63b";
        StreamSchema schema = new StreamSchema(new StreamId(null, name), ORDERS.columns(), ORDERS.primaryKey(), null);

        write(schema, WriteMode.REPLACE, 1, List.<Object[]>of(order(1, "a")));
        write(schema, WriteMode.REPLACE, 2, List.<Object[]>of(order(2, "b")));

        assertThat(db.rows("select id from " + name)).containsExactly(List.of("2"));
        assertThat(db.rows("select conname from pg_constraint where conrelid = '" + name + "'::regclass and contype = 'p'"))
                .singleElement().satisfies(row -> assertThat(row.getFirst()).endsWith("_pkey").hasSizeLessThanOrEqualTo(63));
    }

    @Test
    void upsertWithADuplicateKeyInsideOneBatchKeepsTheLastRow() {
        assertThat(write(ORDERS, WriteMode.UPSERT, 1, List.<Object[]>of(order(1, "first"), order(2, "b"), order(1, "last"))))
                .as("skipped rows").isEqualTo(1);
        assertThat(db.rows("select id, customer from orders order by id")).containsExactly(List.of("1", "last"), List.of("2", "b"));

        try (StreamWriter w = open(ORDERS, WriteMode.UPSERT, 2)) {
            w.write(batch(order(2, "b2"), order(3, "c")));
            w.write(batch(order(3, "c2"), order(2, "b3")));
            w.commit(state(2));
            assertThat(w.skippedRows()).isEqualTo(2);
        }
        assertThat(db.rows("select id, customer from orders order by id"))
                .containsExactly(List.of("1", "last"), List.of("2", "b3"), List.of("3", "c2"));
    }

    @Test
    void anExistingColumnThatCannotHoldTheIncomingTypeIsRefused() {
        db.execute("create table orders (id bigint primary key, customer integer, total numeric, cursor int)");

        assertThatThrownBy(() -> open(ORDERS, WriteMode.UPSERT, 1))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("column \"customer\" of public.orders is integer")
                .hasMessageContaining("string(32)").hasMessageContaining("resync").hasMessageContaining("drop the table")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
    }

    @Test
    void aMissingColumnIsAddedAndWiderExistingColumnsAreKept() {
        db.execute("create table orders (id bigint primary key, customer text, cursor bigint)", "insert into orders values (1, 'old', 1)");

        write(ORDERS, WriteMode.UPSERT, 1, List.<Object[]>of(order(2, "new")));

        assertThat(db.columnTypes("orders")).containsExactly("id: bigint", "customer: text", "cursor: bigint", "total: numeric(12,2)");
        assertThat(db.rows("select id, customer, total from orders order by id"))
                .containsExactly(Arrays.asList("1", "old", null), List.of("2", "new", "0.02"));
    }

    @Test
    void upsertNeedsAUniqueKeyOnThePrimaryKeyColumns() {
        db.execute("create table orders (id bigint, customer text, total numeric, cursor int)");

        assertThatThrownBy(() -> open(ORDERS, WriteMode.UPSERT, 1))
                .hasMessageContaining("no primary key or unique index on (id)")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
    }

    @Test
    void appendSkipsRowsAlreadyHeldTreatingNullsAsEqual() {
        List<String> dedup = List.of("id", "customer");
        writeAppend(1, dedup, List.<Object[]>of(order(1, null), order(2, "x")));
        long skipped = writeAppend(2, dedup, List.<Object[]>of(order(1, null), order(2, "x"), order(3, null), order(3, null), order(2, "y")));

        assertThat(skipped).as("two rows already held, one repeated in the run").isEqualTo(3);

        assertThat(db.rows("select id, customer, _tidemark_run_id from orders order by _tidemark_run_id, id, customer"))
                .containsExactly(Arrays.asList("1", null, "1"), List.of("2", "x", "1"), List.of("2", "y", "2"), Arrays.asList("3", null, "2"));
        assertThat(db.rows("select distinct _tidemark_run_id, _tidemark_synced_at = '2026-03-01T12:00:00Z'::timestamptz"
                + " + _tidemark_run_id * interval '1 second' from orders order by 1")).containsExactly(List.of("1", "t"), List.of("2", "t"));
    }

    @Test
    void aForeignSchemaIsCreatedWithMappedPostgresTypes() {
        StreamSchema events = new StreamSchema(new StreamId(null, "events"), List.of(
                new Column("id", DataType.UUID_TYPE, false, "TEXT"), Column.of("name", DataType.string(40)), Column.of("body", DataType.STRING),
                Column.of("props", DataType.JSON), Column.of("at", DataType.TIMESTAMPTZ), Column.of("amount", DataType.decimal(10, 3)),
                Column.of("raw", DataType.BYTES), Column.of("ok", DataType.BOOLEAN), Column.of("n", DataType.INT16)), List.of("id"), "sqlite");

        write(events, WriteMode.UPSERT, 1, List.<Object[]>of(new Object[]{java.util.UUID.randomUUID(), "signup", "x", "{\"a\": 1}",
                java.time.OffsetDateTime.parse("2026-01-01T10:00:00+02:00"), new BigDecimal("1.5"), new byte[]{1}, true, (short) 7}));

        assertThat(db.columnTypes("events")).containsExactly("id: uuid", "name: character varying(40)", "body: text", "props: jsonb",
                "at: timestamp with time zone", "amount: numeric(10,3)", "raw: bytea", "ok: boolean", "n: smallint");
        assertThat(db.value("select at = '2026-01-01T08:00:00Z' and props->>'a' = '1' from events")).isEqualTo("t");
    }

    @Test
    void duplicateKeysInAReplaceAreRejectedAndTheOldTableStays() {
        write(ORDERS, WriteMode.REPLACE, 1, List.<Object[]>of(order(1, "a")));

        assertThatThrownBy(() -> write(ORDERS, WriteMode.REPLACE, 2, List.<Object[]>of(order(5, "x"), order(5, "y"))))
                .hasMessageContaining("(id)=(5)").hasMessageContaining("primary_key")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.DESTINATION_REJECTED);
        assertThat(db.rows("select id, customer from orders")).containsExactly(List.of("1", "a"));
        assertThat(db.destination.committedState("sync_orders")).get().extracting(CommittedState::runId).isEqualTo(1L);
    }

    @Test
    void aValueTooLongForItsColumnFailsTheRunAsInvalidData() {
        write(ORDERS, WriteMode.UPSERT, 1, List.<Object[]>of(order(1, "a")));

        assertThatThrownBy(() -> write(ORDERS, WriteMode.UPSERT, 2, List.<Object[]>of(order(2, "x".repeat(33)))))
                .hasMessageContaining("character varying(32)")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.SOURCE_DATA_INVALID);
    }

    @Test
    void upsertMergesStagingIntoTheTargetDuringALongRun() {
        write(ORDERS, WriteMode.UPSERT, 1, List.<Object[]>of(order(2_000_000, "before")));
        int rows = 1_100_000;
        try (StreamWriter w = open(ORDERS, WriteMode.UPSERT, 2)) {
            List<Object[]> batch = new ArrayList<>();
            for (long id = 0; id < rows; id++) {
                batch.add(order(id % 1_050_000, id < 1_050_000 ? "first" : "second"));
                if (batch.size() == 50_000) {
                    w.write(new RowBatch(ORDERS, batch));
                    batch = new ArrayList<>();
                }
            }
            w.write(new RowBatch(ORDERS, batch));
            // the first million was merged into the target mid-run (the writer holds its row lock) yet nothing is visible
            assertThat(db.value("select count(*) from pg_locks where relation = 'orders'::regclass and mode = 'RowExclusiveLock'"
                    + " and pid <> pg_backend_pid()")).isEqualTo("1");
            assertThat(db.value("select count(*) from orders")).isEqualTo("1");
            w.commit(state(2));
            assertThat(w.skippedRows()).as("keys merged mid-run, then written again").isEqualTo(50_000);
        }
        assertThat(db.rows("select customer, count(*) from orders group by customer order by customer"))
                .containsExactly(List.of("before", "1"), List.of("first", "1000000"), List.of("second", "50000"));
    }

    @ParameterizedTest
    @EnumSource(WriteMode.class)
    @Timeout(120)
    void aKilledWriterProcessLeavesTheOldTableAndStateIntact(WriteMode mode) throws Exception {
        write(ORDERS, WriteMode.REPLACE, 1, List.<Object[]>of(order(1, "kept")));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KilledWriterMain.class.getName(), db.url(), mode.name())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("LOADED")) {
                // wait until the rows are loaded in the writer's open transaction
            }
            assertThat(line).as("writer process output").isEqualTo("LOADED");
            writer.destroyForcibly(); // SIGKILL: no shutdown hooks, no rollback from the client
            assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            writer.destroyForcibly();
        }

        assertThat(db.rows("select id, customer from orders")).containsExactly(List.of("1", "kept"));
        assertThat(db.destination.committedState("sync_orders")).get().extracting(CommittedState::runId).isEqualTo(1L);
        write(ORDERS, mode, 3, List.<Object[]>of(order(2, "after")));
        assertThat(db.destination.committedState("sync_orders")).get().extracting(CommittedState::runId).isEqualTo(3L);
    }

    /** Returns the rows the writer skipped. A CHANGES writer upserts the rows. */
    private long write(StreamSchema schema, WriteMode mode, long runId, List<Object[]> rows) {
        try (StreamWriter w = open(schema, mode, runId)) {
            if (mode == WriteMode.CHANGES) w.apply(new ChangeBatch(ChangeOp.UPSERT, new RowBatch(schema, rows)));
            else w.write(new RowBatch(schema, rows));
            w.commit(state(runId));
            return w.skippedRows();
        }
    }

    /** Returns the rows the writer skipped. */
    private long writeAppend(long runId, List<String> dedup, List<Object[]> rows) {
        try (StreamWriter w = db.destination.open(new WriteRequest("sync_orders", ORDERS.id(), ORDERS, WriteMode.APPEND, runId,
                NOW.plusSeconds(runId), dedup))) {
            w.write(new RowBatch(ORDERS, rows));
            w.commit(state(runId));
            return w.skippedRows();
        }
    }

    private StreamWriter open(StreamSchema schema, WriteMode mode, long runId) {
        return db.destination.open(new WriteRequest("sync_" + schema.id().name(), schema.id(), schema, mode, runId, NOW,
                mode == WriteMode.APPEND ? List.of("id") : List.of()));
    }

    private static RowBatch batch(Object[]... rows) { return new RowBatch(ORDERS, List.of(rows)); }

    private static CommittedState state(long runId) { return new CommittedState("sync_orders", runId, "{\"run\":" + runId + "}", NOW); }
}
