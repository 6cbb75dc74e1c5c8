package io.tidemark.connector.postgres;

import io.tidemark.api.CheckReport;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.DiscoveredStream;
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
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresSourceTest {
    private TestDatabase db;

    @BeforeEach
    void database(PostgresServer server) {
        db = TestDatabase.create(server, "source");
        db.execute("create table customers (id int primary key, name varchar(20) not null)",
                "create table orders (id bigint primary key, customer_id int references customers, total numeric(12,2), placed_at timestamptz)",
                "insert into customers values (1, 'ada'), (2, 'bob')",
                "insert into orders select g, 1 + g % 2, g * 1.25, '2026-01-01Z'::timestamptz + g * interval '1 hour' from generate_series(1, 10) g");
    }

    @AfterEach
    void close() { db.close(); }

    @Test
    void queryModelIsDescribedFromItsResultColumns() {
        StreamSchema schema = db.source.describe(ModelSpec.query("spend", """
                select c.id, c.name, sum(o.total) as spent, max(o.placed_at) as last_order, array_agg(o.id) as order_ids
                from customers c join orders o on o.customer_id = c.id group by c.id, c.name;
                """, List.of("id")));

        assertThat(schema.id()).isEqualTo(new StreamId(null, "spend"));
        assertThat(schema.primaryKey()).containsExactly("id");
        assertThat(schema.columns()).extracting(c -> c.name(), c -> c.type(), c -> c.nativeType()).containsExactly(
                tuple("id", DataType.INT32, "integer"),
                tuple("name", DataType.string(20), "character varying(20)"),
                tuple("spent", DataType.DECIMAL, "numeric"),
                tuple("last_order", DataType.TIMESTAMPTZ, "timestamp with time zone"),
                tuple("order_ids", DataType.STRING, "bigint[]"));
    }

    @Test
    void queryModelIsReadWithACursorWindow() {
        ModelSpec model = ModelSpec.query("big_orders", "select id, total from orders where total > 5", List.of("id"));
        StreamSchema schema = db.source.describe(model);
        List<Object[]> rows = new ArrayList<>();
        try (StreamReader reader = db.source.read(new ReadRequest(model, schema, SyncType.INCREMENTAL,
                Optional.of(new CursorWindow("id", DataType.INT64, 6L)), 3))) {
            assertThat(reader.cursorUpperBound()).contains(10L);
            for (RowBatch b = reader.next(); b != null; b = reader.next()) rows.addAll(b.rows());
        }

        assertThat(rows).extracting(r -> r[0], r -> r[1]).containsExactlyInAnyOrder(
                tuple(6L, new BigDecimal("7.50")), tuple(7L, new BigDecimal("8.75")), tuple(8L, new BigDecimal("10.00")),
                tuple(9L, new BigDecimal("11.25")), tuple(10L, new BigDecimal("12.50")));
    }

    @Test
    void anEmptyWindowHasNoUpperBoundAndNoRows() {
        ModelSpec model = ModelSpec.table("orders", new StreamId(null, "orders"), List.of());
        StreamSchema schema = db.source.describe(model);
        try (StreamReader reader = db.source.read(new ReadRequest(model, schema, SyncType.INCREMENTAL,
                Optional.of(new CursorWindow("placed_at", DataType.TIMESTAMPTZ, java.time.OffsetDateTime.parse("2027-01-01T00:00Z"))), 10))) {
            assertThat(reader.cursorUpperBound()).isEmpty();
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aWindowWithoutLowerBoundReadsEverythingUpToTheMaximum() {
        ModelSpec model = ModelSpec.table("orders", new StreamId("public", "orders"), List.of());
        StreamSchema schema = db.source.describe(model);
        int rows = 0;
        try (StreamReader reader = db.source.read(new ReadRequest(model, schema, SyncType.INCREMENTAL,
                Optional.of(new CursorWindow("total", DataType.decimal(12, 2), null)), 4))) {
            assertThat(reader.cursorUpperBound()).contains(new BigDecimal("12.50"));
            for (RowBatch b = reader.next(); b != null; b = reader.next()) rows += b.size();
        }
        assertThat(rows).isEqualTo(10);
    }

    @Test
    void aCursorOfTheWrongTypeIsRefused() {
        ModelSpec model = ModelSpec.table("orders", new StreamId(null, "orders"), List.of());
        StreamSchema schema = db.source.describe(model);
        assertThatThrownBy(() -> db.source.read(new ReadRequest(model, schema, SyncType.INCREMENTAL,
                Optional.of(new CursorWindow("placed_at", DataType.INT64, 5L)), 10)))
                .isInstanceOf(TidemarkException.class).hasMessageContaining("placed_at").hasMessageContaining("cursor_type")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.CURSOR_TYPE_MISMATCH);
    }

    @Test
    void discoverOffersSyncTypesByKeyAndCursorAndHidesTidemarksOwnTables() {
        db.execute("create view order_totals as select customer_id, sum(total) as total from orders group by customer_id",
                "create table notes (body text)",
                "create table orders__tidemark_shadow (id bigint)",
                "create table _tidemark_state (sync_key text primary key)",
                "create schema crm", "create table crm.leads (id int primary key, created date)");

        List<DiscoveredStream> streams = db.source.discover();

        assertThat(streams).extracting(s -> s.schema().id().toString())
                .containsExactlyInAnyOrder("crm.leads", "public.customers", "public.notes", "public.order_totals", "public.orders");
        DiscoveredStream orders = find(streams, "orders");
        assertThat(orders.cursorCandidates()).containsExactly("id", "customer_id", "total", "placed_at");
        assertThat(orders.supportedSyncTypes()).containsExactlyInAnyOrder(SyncType.FULL_REFRESH, SyncType.INCREMENTAL, SyncType.APPEND, SyncType.CDC);
        assertThat(find(streams, "order_totals").supportedSyncTypes()).containsExactlyInAnyOrder(SyncType.FULL_REFRESH, SyncType.APPEND);
        assertThat(find(streams, "notes").supportedSyncTypes()).containsExactly(SyncType.FULL_REFRESH);
        assertThat(find(streams, "leads").schema().primaryKey()).containsExactly("id");
    }

    @Test
    void describeOfAMissingTableListsTheTablesOfItsSchema() {
        assertThatThrownBy(() -> db.source.describe(ModelSpec.table("order", new StreamId(null, "order"), List.of())))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("public.order not found").hasMessageContaining("customers, orders")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    }

    @Test
    void aModelPrimaryKeyOverridesTheTablesAndMustExist() {
        assertThat(db.source.describe(ModelSpec.table("orders", new StreamId(null, "orders"), List.of("customer_id", "id"))).primaryKey())
                .containsExactly("customer_id", "id");
        assertThatThrownBy(() -> db.source.describe(ModelSpec.table("orders", new StreamId(null, "orders"), List.of("order_id"))))
                .hasMessageContaining("order_id").hasMessageContaining("primary_key")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND);
    }

    @Test
    void aUserWithoutSelectPrivilegeGetsPermissionDeniedAndCheckNamesTheTable() {
        db.execute("do $$ begin if not exists (select from pg_roles where rolname = 'reader') then create role reader login; end if; end $$",
                "grant select on customers to reader");
        Source asReader = TestDatabase.FACTORY.openSource(TestDatabase.config(db.url(), "reader", null),
                new io.tidemark.api.ConnectorContext(Clock.systemUTC(), Path.of(".")));
        ModelSpec model = ModelSpec.table("orders", new StreamId(null, "orders"), List.of());
        StreamSchema schema = db.source.describe(model);

        assertThatThrownBy(() -> {
            try (StreamReader reader = asReader.read(new ReadRequest(model, schema, SyncType.FULL_REFRESH, Optional.empty(), 10))) {
                reader.next();
            }
        }).isInstanceOf(TidemarkException.class).hasMessageContaining("orders")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        CheckReport report = asReader.check();
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(p.message()).contains("cannot read orders");
            assertThat(p.fix()).contains("GRANT SELECT");
        });
        assertThat(report.passed()).anyMatch(s -> s.contains("as reader"));
    }

    private static DiscoveredStream find(List<DiscoveredStream> streams, String name) {
        return streams.stream().filter(s -> s.schema().id().name().equals(name)).findFirst().orElseThrow();
    }
}
