package io.tidemark.testkit;

import io.tidemark.api.Capability;
import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.ErrorCategory;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteResult;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.SyncType;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance suite every connector that is both a source and a destination passes (DESIGN.md, "Tests").
 * It writes through the connector's destination and reads back through its source, against the real system.
 * A connector test extends this class and says how to make a fresh, empty connection configuration.
 */
public abstract class ConnectorAcceptanceTest {
    protected static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    protected ConnectorFactory factory;
    protected Source source;
    protected Destination destination;

    /** The connector's {@code type:} name. */
    protected abstract String connectorName();

    /** A configuration for a fresh, empty connection (new database, file or folder). */
    protected abstract ConnectorConfig freshConfig(Path workDir) throws Exception;

    /** Where this connector keeps the test's tables; {@code null} for connectors without namespaces. */
    protected String namespace() { return null; }

    @org.junit.jupiter.api.io.TempDir
    protected Path workDir;

    @BeforeEach
    void openConnector() throws Exception {
        factory = ServiceLoader.load(ConnectorFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals(connectorName())).findFirst()
                .orElseThrow(() -> new AssertionError("no ConnectorFactory named " + connectorName() + " on the class path"));
        ConnectorConfig config = freshConfig(workDir);
        ConnectorContext context = new ConnectorContext(Clock.fixed(NOW, ZoneOffset.UTC), workDir);
        source = factory.openSource(config, context);
        destination = factory.openDestination(config, context);
    }

    @AfterEach
    void closeConnector() {
        if (source != null) source.close();
        if (destination != null) destination.close();
    }

    protected StreamId table(String name) { return new StreamId(namespace(), name); }

    /** The core types every connector carries exactly. */
    protected StreamSchema ordersSchema(StreamId id) {
        return new StreamSchema(id, List.of(
                new Column("id", DataType.INT64, false, null),
                Column.of("customer", DataType.string(32)),
                Column.of("total", DataType.decimal(12, 2)),
                Column.of("ratio", DataType.FLOAT64),
                Column.of("paid", DataType.BOOLEAN),
                Column.of("order_date", DataType.DATE),
                Column.of("created_at", DataType.TIMESTAMP),
                Column.of("updated_at", DataType.TIMESTAMPTZ)), List.of("id"), null);
    }

    protected Object[] order(long id, String customer, String total, long updatedMinute) {
        return new Object[]{id, customer, total == null ? null : new BigDecimal(total), id / 3.0, id % 2 == 0,
                LocalDate.of(2026, 1, 1).plusDays(id % 300), LocalDateTime.of(2026, 1, 2, 3, 4, 5).plusSeconds(id),
                OffsetDateTime.of(2026, 2, 1, 0, 0, 0, 0, ZoneOffset.UTC).plusMinutes(updatedMinute)};
    }

    protected void write(StreamSchema schema, WriteMode mode, long runId, String checkpoint, List<Object[]> rows) {
        try (StreamWriter w = destination.open(new WriteRequest("sync_" + schema.id().name(), schema.id(), schema, mode,
                runId, NOW, mode == WriteMode.APPEND ? List.of("id", "updated_at") : List.of()))) {
            w.write(new RowBatch(schema, rows));
            w.commit(new CommittedState("sync_" + schema.id().name(), runId, checkpoint, NOW));
        }
    }

    protected List<Object[]> readAll(StreamId id, Optional<CursorWindow> window) {
        ModelSpec model = ModelSpec.table(id.name(), id, List.of("id"));
        StreamSchema schema = source.describe(model);
        List<Object[]> rows = new ArrayList<>();
        try (StreamReader r = source.read(new ReadRequest(model, schema, window.isPresent() ? SyncType.INCREMENTAL : SyncType.FULL_REFRESH, window, 1000))) {
            for (RowBatch b = r.next(); b != null; b = r.next()) rows.addAll(b.rows());
        }
        rows.sort(Comparator.comparingLong(r -> (Long) r[0]));
        return rows;
    }

    private static List<List<Object>> normalized(List<Object[]> rows, int width) {
        return rows.stream().map(r -> Arrays.asList(Arrays.copyOf(r, width))).map(l -> l.stream()
                .map(v -> v instanceof BigDecimal d ? d.stripTrailingZeros() : v).toList()).toList();
    }

    @Test
    void declaresSourceAndDestinationCapabilities() {
        assertThat(factory.capabilities()).contains(Capability.SOURCE, Capability.DESTINATION);
        assertThat(factory.configSpec().fields()).isNotEmpty();
    }

    @Test
    void checkPassesOnAHealthyConnection() {
        assertThat(source.check().problems()).isEmpty();
        assertThat(destination.check().problems()).isEmpty();
    }

    @Test
    void replaceWritesRowsThatReadBackExactly() {
        StreamSchema schema = ordersSchema(table("orders"));
        List<Object[]> rows = List.of(order(1, "ada", "10.50", 1), order(2, "bob", null, 2),
                new Object[]{3L, null, null, null, null, null, null, null}, order(4, "émile ☃", "-0.01", 3));
        write(schema, WriteMode.REPLACE, 1, "{\"v\":1}", rows);

        assertThat(normalized(readAll(schema.id(), Optional.empty()), 8)).isEqualTo(normalized(rows, 8));
        assertThat(destination.committedState("sync_orders")).get()
                .extracting(CommittedState::runId, CommittedState::checkpoint).containsExactly(1L, "{\"v\":1}");
    }

    @Test
    void replaceSwapsTheWholeTableAndNothingIsVisibleBeforeCommit() {
        StreamSchema schema = ordersSchema(table("orders"));
        write(schema, WriteMode.REPLACE, 1, "first", List.of(order(1, "a", "1", 1), order(2, "b", "2", 2)));

        try (StreamWriter w = destination.open(new WriteRequest("sync_orders", schema.id(), schema, WriteMode.REPLACE, 2, NOW, List.of()))) {
            w.write(new RowBatch(schema, List.<Object[]>of(order(3, "c", "3", 3))));
            assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0]).containsExactly(1L, 2L);
            w.commit(new CommittedState("sync_orders", 2, "second", NOW));
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0]).containsExactly(3L);
        assertThat(destination.committedState("sync_orders")).get().extracting(CommittedState::checkpoint).isEqualTo("second");
    }

    @Test
    void closingWithoutCommitLeavesDataAndStateAsTheyWere() {
        StreamSchema schema = ordersSchema(table("orders"));
        write(schema, WriteMode.REPLACE, 1, "first", List.<Object[]>of(order(1, "a", "1", 1)));
        for (WriteMode mode : List.of(WriteMode.REPLACE, WriteMode.UPSERT, WriteMode.APPEND)) {
            try (StreamWriter w = destination.open(new WriteRequest("sync_orders", schema.id(), schema, mode, 2, NOW,
                    mode == WriteMode.APPEND ? List.of("id") : List.of()))) {
                w.write(new RowBatch(schema, List.<Object[]>of(order(1, "changed", "9", 9), order(7, "new", "7", 7))));
            }
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0], r -> r[1]).containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "a"));
        assertThat(destination.committedState("sync_orders")).get().extracting(CommittedState::checkpoint).isEqualTo("first");
    }

    @Test
    void upsertUpdatesExistingKeysAndInsertsNewOnes() {
        StreamSchema schema = ordersSchema(table("orders"));
        write(schema, WriteMode.UPSERT, 1, "c1", List.of(order(1, "a", "1", 1), order(2, "b", "2", 2)));
        write(schema, WriteMode.UPSERT, 2, "c2", List.of(order(2, "b2", "22", 5), order(3, "c", "3", 6)));

        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0], r -> r[1]).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, "a"), org.assertj.core.groups.Tuple.tuple(2L, "b2"), org.assertj.core.groups.Tuple.tuple(3L, "c"));
    }

    @Test
    void upsertOfTheSameBatchTwiceIsIdempotent() {
        StreamSchema schema = ordersSchema(table("orders"));
        List<Object[]> rows = List.of(order(1, "a", "1", 1), order(2, "b", "2", 2));
        write(schema, WriteMode.UPSERT, 1, "c1", rows);
        write(schema, WriteMode.UPSERT, 2, "c1", rows);
        assertThat(readAll(schema.id(), Optional.empty())).hasSize(2);
    }

    @Test
    void appendAddsSystemColumnsAndSkipsRowsAlreadyHeld() {
        StreamSchema schema = ordersSchema(table("events"));
        write(schema, WriteMode.APPEND, 1, "c1", List.of(order(1, "a", "1", 1), order(2, "b", "2", 2)));
        write(schema, WriteMode.APPEND, 2, "c2", List.of(order(2, "b", "2", 2), order(2, "b again", "2", 3)));

        StreamSchema read = source.describe(ModelSpec.table("events", schema.id(), List.of()));
        assertThat(read.columnNames()).contains(SystemColumns.SYNCED_AT, SystemColumns.RUN_ID);
        List<Object[]> rows = readAll(schema.id(), Optional.empty());
        assertThat(rows).hasSize(3);
        int runId = read.indexOf(SystemColumns.RUN_ID);
        assertThat(rows).extracting(r -> ((Number) r[runId]).longValue()).containsExactlyInAnyOrder(1L, 1L, 2L);
    }

    @Test
    void appendCountsRowsItAlreadyHeldAsSkipped() {
        StreamSchema schema = ordersSchema(table("events"));
        write(schema, WriteMode.APPEND, 1, "c1", List.of(order(1, "a", "1", 1), order(2, "b", "2", 2)));
        try (StreamWriter w = destination.open(new WriteRequest("sync_events", schema.id(), schema, WriteMode.APPEND, 2, NOW, List.of("id", "updated_at")))) {
            w.write(new RowBatch(schema, List.of(order(2, "b", "2", 2), order(3, "c", "3", 3))));
            w.commit(new CommittedState("sync_events", 2, "c2", NOW));
            assertThat(w.skippedRows()).isEqualTo(1);
        }
        assertThat(readAll(schema.id(), Optional.empty())).hasSize(3);
    }

    @Test
    void upsertCountsAKeySupersededInTheSameRunAsSkipped() {
        StreamSchema schema = ordersSchema(table("orders"));
        try (StreamWriter w = destination.open(new WriteRequest("sync_orders", schema.id(), schema, WriteMode.UPSERT, 1, NOW, List.of()))) {
            w.write(new RowBatch(schema, List.of(order(1, "first", "1", 1), order(2, "b", "2", 2))));
            w.write(new RowBatch(schema, List.<Object[]>of(order(1, "last", "1", 3))));
            w.commit(new CommittedState("sync_orders", 1, "c1", NOW));
            assertThat(w.skippedRows()).isEqualTo(1);
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[1]).containsExactly("last", "b");
    }

    @Test
    void replaceOfAHistoryTableKeepsTheHistoryColumns() {
        StreamSchema schema = ordersSchema(table("events"));
        write(schema, WriteMode.APPEND, 1, "c1", List.<Object[]>of(order(1, "a", "1", 1)));
        try (StreamWriter w = destination.open(new WriteRequest("sync_events", schema.id(), schema, WriteMode.REPLACE, 7, NOW, List.of(), true))) {
            w.write(new RowBatch(schema, List.of(order(1, "a", "1", 1), order(2, "b", "2", 2))));
            w.commit(new CommittedState("sync_events", 7, "c7", NOW));
        }
        StreamSchema read = source.describe(ModelSpec.table("events", schema.id(), List.of()));
        int runId = read.indexOf(SystemColumns.RUN_ID);
        int syncedAt = read.indexOf(SystemColumns.SYNCED_AT);
        assertThat(runId).isNotNegative();
        assertThat(syncedAt).isNotNegative();
        List<Object[]> rows = readAll(schema.id(), Optional.empty());
        assertThat(rows).extracting(r -> ((Number) r[runId]).longValue()).containsExactly(7L, 7L);
        assertThat(rows).extracting(r -> ((OffsetDateTime) r[syncedAt]).toInstant()).containsOnly(NOW);
    }

    @Test
    void cursorWindowReturnsRowsAtOrAboveTheLowerBoundAndReportsTheUpperBound() {
        StreamSchema schema = ordersSchema(table("orders"));
        write(schema, WriteMode.REPLACE, 1, "c", List.of(order(1, "a", "1", 10), order(2, "b", "2", 20), order(3, "c", "3", 20), order(4, "d", "4", 30)));
        ModelSpec model = ModelSpec.table("orders", schema.id(), List.of("id"));
        StreamSchema described = source.describe(model);
        DataType cursorType = described.column("updated_at").orElseThrow().type();
        OffsetDateTime lower = OffsetDateTime.of(2026, 2, 1, 0, 20, 0, 0, ZoneOffset.UTC);
        List<Object> ids = new ArrayList<>();
        try (StreamReader r = source.read(new ReadRequest(model, described, SyncType.INCREMENTAL,
                Optional.of(new CursorWindow("updated_at", cursorType, lower)), 2))) {
            assertThat(r.cursorUpperBound()).get().satisfies(v -> assertThat(((OffsetDateTime) v).toInstant())
                    .isEqualTo(Instant.parse("2026-02-01T00:30:00Z")));
            for (RowBatch b = r.next(); b != null; b = r.next()) {
                assertThat(b.size()).isLessThanOrEqualTo(2);
                b.rows().forEach(row -> ids.add(row[0]));
            }
        }
        assertThat(ids).containsExactlyInAnyOrder(2L, 3L, 4L);
    }

    @Test
    void discoverListsWrittenTablesWithKeysAndCursorCandidates() {
        StreamSchema schema = ordersSchema(table("orders"));
        write(schema, WriteMode.UPSERT, 1, "c", List.<Object[]>of(order(1, "a", "1", 1)));
        DiscoveredStream orders = source.discover().stream().filter(s -> s.schema().id().name().equals("orders")).findFirst().orElseThrow();
        assertThat(orders.schema().columnNames()).containsExactly("id", "customer", "total", "ratio", "paid", "order_date", "created_at", "updated_at");
        assertThat(orders.schema().primaryKey()).containsExactly("id");
        assertThat(orders.cursorCandidates()).contains("updated_at", "created_at");
        assertThat(orders.supportedSyncTypes()).contains(SyncType.FULL_REFRESH, SyncType.INCREMENTAL, SyncType.APPEND);
        assertThat(source.discover()).noneMatch(s -> s.schema().id().name().equals(SystemColumns.STATE_TABLE));
    }

    @Test
    void deleteDataDropsTheTargetAndItsState() {
        StreamSchema schema = ordersSchema(table("orders"));
        write(schema, WriteMode.UPSERT, 1, "c", List.<Object[]>of(order(1, "a", "1", 1)));
        destination.deleteData("sync_orders", schema.id());
        assertThat(destination.describeTarget(schema.id())).isEmpty();
        assertThat(destination.committedState("sync_orders")).isEmpty();
    }

    @Test
    void describeOfAMissingTableNamesIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> source.describe(ModelSpec.table("nope", table("nope"), List.of())))
                .isInstanceOf(io.tidemark.api.TidemarkException.class)
                .hasMessageContaining("nope")
                .extracting(e -> ((io.tidemark.api.TidemarkException) e).errorCode())
                .isEqualTo(io.tidemark.api.ErrorCode.TABLE_NOT_FOUND);
    }

    // ---- keyed changes (WriteMode.CHANGES, diff syncs) ----

    /** A writer for keyed changes into {@code schema}'s table, as a diff sync opens it. */
    protected StreamWriter changes(StreamSchema schema, long runId) {
        return destination.open(new WriteRequest("sync_" + schema.id().name(), schema.id(), schema, WriteMode.CHANGES,
                runId, NOW, List.of()));
    }

    /** Applies one batch and commits it with {@code checkpoint}. */
    protected WriteResult applyAndCommit(StreamSchema schema, long runId, String checkpoint, ChangeOp op, StreamSchema rowSchema,
                                         List<Object[]> rows) {
        try (StreamWriter w = changes(schema, runId)) {
            WriteResult result = w.apply(new ChangeBatch(op, new RowBatch(rowSchema, rows)));
            w.commit(new CommittedState("sync_" + schema.id().name(), runId, checkpoint, NOW));
            return result;
        }
    }

    /** The key and the columns {@code names} of {@code schema}, keyed by the schema's primary key. */
    protected static StreamSchema project(StreamSchema schema, String... names) {
        List<Column> columns = Arrays.stream(names).map(n -> schema.column(n).orElseThrow()).toList();
        return new StreamSchema(schema.id(), columns, schema.primaryKey(), schema.nativeDialect());
    }

    /**
     * A value in {@code ordersSchema}'s {@code total} column (decimal(12,2)) that the destination must refuse: it does
     * not fit the declared precision.
     */
    protected BigDecimal totalThatDoesNotFit() { return new BigDecimal("123456789012345.67"); }

    @Test
    void changesCreateTheTargetAndInsertNewRecords() {
        StreamSchema schema = ordersSchema(table("orders"));
        List<Object[]> rows = List.of(order(1, "ada", "10.50", 1), order(2, "émile ☃", null, 2));
        WriteResult result = applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, rows);

        assertThat(result.written()).isEqualTo(2);
        assertThat(result.rejected()).isEmpty();
        assertThat(normalized(readAll(schema.id(), Optional.empty()), 8)).isEqualTo(normalized(rows, 8));
        assertThat(destination.committedState("sync_orders")).get().extracting(CommittedState::checkpoint).isEqualTo("c1");
    }

    @Test
    void insertRejectsKeysTheTargetAlreadyHoldsAndAppliesTheRest() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, List.<Object[]>of(order(1, "a", "1", 1)));
        WriteResult result = applyAndCommit(schema, 2, "c2", ChangeOp.INSERT, schema,
                List.of(order(1, "again", "9", 9), order(2, "b", "2", 2)));

        assertThat(result.written()).isEqualTo(1);
        assertThat(result.rejected()).extracting(RejectedRow::key).containsExactly(List.of(1L));
        assertThat(result.rejected().getFirst().reason()).containsIgnoringCase("exists");
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0], r -> r[1]).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, "a"), org.assertj.core.groups.Tuple.tuple(2L, "b"));
    }

    @Test
    void updateSetsOnlyTheGivenColumnsAndRejectsKeysNotFound() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, List.of(order(1, "a", "1.00", 1), order(2, "b", "2.00", 2)));
        StreamSchema customerOnly = project(schema, "id", "customer");
        WriteResult result = applyAndCommit(schema, 2, "c2", ChangeOp.UPDATE, customerOnly,
                List.of(new Object[]{2L, "b2"}, new Object[]{3L, "ghost"}));

        assertThat(result.written()).isEqualTo(1);
        assertThat(result.rejected()).extracting(RejectedRow::key).containsExactly(List.of(3L));
        assertThat(result.rejected().getFirst().reason()).containsIgnoringCase("not found");
        assertThat(normalized(readAll(schema.id(), Optional.empty()), 3)).containsExactly(
                List.of(1L, "a", BigDecimal.ONE), List.of(2L, "b2", new BigDecimal("2")));
    }

    @Test
    void truncateRemovesEveryRecordInOrderWithTheChangesAroundItAtCommit() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.UPSERT, schema, List.of(order(1, "a", "1", 1), order(2, "b", "2", 2)));
        try (StreamWriter w = changes(schema, 2)) {
            w.apply(new ChangeBatch(ChangeOp.UPSERT, new RowBatch(schema, List.<Object[]>of(order(3, "c", "3", 3)))));
            assertThat(w.truncate()).isEqualTo(3);
            WriteResult after = w.apply(new ChangeBatch(ChangeOp.UPSERT, new RowBatch(schema,
                    List.of(order(1, "a again", "1", 1), order(4, "d", "4", 4)))));
            assertThat(after.written()).isEqualTo(2);
            w.commit(new CommittedState("sync_orders", 2, "c2", NOW));
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0], r -> r[1]).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, "a again"), org.assertj.core.groups.Tuple.tuple(4L, "d"));
        assertThat(destination.committedState("sync_orders")).get().extracting(CommittedState::checkpoint).isEqualTo("c2");
    }

    @Test
    void closingAChangesWriterWithoutCommitDiscardsATruncate() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, List.of(order(1, "a", "1", 1), order(2, "b", "2", 2)));
        try (StreamWriter w = changes(schema, 2)) {
            assertThat(w.truncate()).isEqualTo(2);
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0]).containsExactly(1L, 2L);
        assertThat(destination.committedState("sync_orders")).get().extracting(CommittedState::checkpoint).isEqualTo("c1");
    }

    @Test
    void updateCanClearFieldsBySendingNulls() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, List.<Object[]>of(order(1, "a", "1.00", 1)));
        applyAndCommit(schema, 2, "c2", ChangeOp.UPDATE, project(schema, "id", "customer", "total"),
                List.<Object[]>of(new Object[]{1L, null, null}));
        Object[] row = readAll(schema.id(), Optional.empty()).getFirst();
        assertThat(row[0]).isEqualTo(1L);
        assertThat(row[1]).isNull();
        assertThat(row[2]).isNull();
        assertThat(row[4]).isEqualTo(false); // columns not sent stay as they were
    }

    @Test
    void upsertInsertsNewKeysAndSetsOnlyTheGivenColumnsOfExistingOnes() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, List.<Object[]>of(order(1, "a", "1.00", 1)));
        WriteResult result = applyAndCommit(schema, 2, "c2", ChangeOp.UPSERT, project(schema, "id", "customer"),
                List.of(new Object[]{1L, "a2"}, new Object[]{5L, "e"}));

        assertThat(result.written()).isEqualTo(2);
        assertThat(normalized(readAll(schema.id(), Optional.empty()), 3)).containsExactly(
                List.of(1L, "a2", BigDecimal.ONE), java.util.Arrays.asList(5L, "e", null));
    }

    @Test
    void deleteRemovesRecordsAndCountsOnlyThoseThatExisted() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, List.of(order(1, "a", "1", 1), order(2, "b", "2", 2)));
        WriteResult result = applyAndCommit(schema, 2, "c2", ChangeOp.DELETE, project(schema, "id"),
                List.of(new Object[]{2L}, new Object[]{9L}));

        assertThat(result.deleted()).isEqualTo(1);
        assertThat(result.rejected()).isEmpty();
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0]).containsExactly(1L);
    }

    @Test
    void softDeleteColumnIsAddedAndSetByAnUpdateOfThatColumnOnly() {
        StreamSchema base = ordersSchema(table("orders"));
        List<Column> columns = new ArrayList<>(base.columns());
        columns.add(Column.of(SystemColumns.DELETED_AT, DataType.TIMESTAMPTZ));
        StreamSchema schema = new StreamSchema(base.id(), columns, base.primaryKey(), null);
        applyAndCommit(base, 1, "c1", ChangeOp.INSERT, base, List.<Object[]>of(order(1, "a", "1", 1)));
        OffsetDateTime deletedAt = OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);
        applyAndCommit(schema, 2, "c2", ChangeOp.UPDATE, project(schema, "id", SystemColumns.DELETED_AT),
                List.<Object[]>of(new Object[]{1L, deletedAt}));

        Object[] row = readAll(schema.id(), Optional.empty()).getFirst();
        assertThat(row).hasSize(9);
        assertThat(((OffsetDateTime) row[8]).toInstant()).isEqualTo(deletedAt.toInstant());
        assertThat(row[1]).isEqualTo("a");
    }

    @Test
    void aRefusedRowFailsTheWholeCallWhichAppliesNothingAndTheWriterStaysUsable() {
        StreamSchema schema = ordersSchema(table("orders"));
        Object[] refused = order(2, "b", null, 2);
        refused[2] = totalThatDoesNotFit();
        try (StreamWriter w = changes(schema, 1)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.apply(new ChangeBatch(ChangeOp.UPSERT,
                            new RowBatch(schema, List.of(order(1, "a", "1", 1), refused)))))
                    .isInstanceOfSatisfying(TidemarkException.class, e ->
                            assertThat(e.errorCode().category()).isEqualTo(ErrorCategory.DESTINATION_REJECTED));
            WriteResult result = w.apply(new ChangeBatch(ChangeOp.UPSERT, new RowBatch(schema, List.<Object[]>of(order(3, "c", "3", 3)))));
            assertThat(result.written()).isEqualTo(1);
            w.commit(new CommittedState("sync_orders", 1, "c1", NOW));
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0]).containsExactly(3L);
    }

    @Test
    void closingAChangesWriterWithoutCommitDiscardsEverythingApplied() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, List.<Object[]>of(order(1, "a", "1", 1)));
        try (StreamWriter w = changes(schema, 2)) {
            w.apply(new ChangeBatch(ChangeOp.UPSERT, new RowBatch(schema, List.of(order(1, "changed", "9", 9), order(2, "b", "2", 2)))));
            w.apply(new ChangeBatch(ChangeOp.DELETE, new RowBatch(project(schema, "id"), List.<Object[]>of(new Object[]{1L}))));
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0], r -> r[1]).containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "a"));
        assertThat(destination.committedState("sync_orders")).get().extracting(CommittedState::checkpoint).isEqualTo("c1");
    }

    @Test
    void commitDataOnlyMakesChangesDurableAndKeepsTheCommittedState() {
        StreamSchema schema = ordersSchema(table("orders"));
        applyAndCommit(schema, 1, "c1", ChangeOp.INSERT, schema, List.<Object[]>of(order(1, "a", "1", 1)));
        try (StreamWriter w = changes(schema, 2)) {
            w.apply(new ChangeBatch(ChangeOp.UPSERT, new RowBatch(schema, List.<Object[]>of(order(2, "b", "2", 2)))));
            w.commitDataOnly();
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0]).containsExactly(1L, 2L);
        assertThat(destination.committedState("sync_orders")).get().extracting(CommittedState::checkpoint).isEqualTo("c1");
    }

    @Test
    void commitDataOnlyWorksForUpsertWritersToo() {
        StreamSchema schema = ordersSchema(table("sync_log"));
        try (StreamWriter w = destination.open(new WriteRequest("logs", schema.id(), schema, WriteMode.UPSERT, 1, NOW, List.of()))) {
            w.write(new RowBatch(schema, List.<Object[]>of(order(1, "a", "1", 1))));
            w.commitDataOnly();
        }
        assertThat(readAll(schema.id(), Optional.empty())).extracting(r -> r[0]).containsExactly(1L);
        assertThat(destination.committedState("logs")).isEmpty();
    }
}
