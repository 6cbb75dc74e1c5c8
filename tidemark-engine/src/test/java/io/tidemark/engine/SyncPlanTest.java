package io.tidemark.engine;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.engine.checkpoint.Checkpoint;
import io.tidemark.engine.config.ApplyMode;
import io.tidemark.engine.config.CdcTableMode;
import io.tidemark.engine.config.DeleteBehavior;
import io.tidemark.engine.config.SchemaPolicy;
import io.tidemark.engine.config.CursorType;
import io.tidemark.engine.config.Lookback;
import io.tidemark.engine.config.Schedule;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.mapping.FieldMapping;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncPlanTest {
    private static final StreamSchema ORDERS = new StreamSchema(new StreamId("public", "orders"), List.of(
            Column.of("id", DataType.INT64), Column.of("total", DataType.decimal(10, 2)),
            Column.of("updated_at", DataType.TIMESTAMP), Column.of("note", DataType.STRING)), List.of(), "postgres");
    private static final LocalDateTime MARK = LocalDateTime.of(2026, 3, 1, 12, 0);

    private static SyncConfig sync(SyncType type, String cursor, CursorType cursorType, List<String> key, Optional<Lookback> lookback) {
        return new SyncConfig("orders_to_wh", "orders", "wh", new StreamId(null, "orders"), type, Optional.ofNullable(cursor),
                Optional.ofNullable(cursorType), type == SyncType.APPEND ? ApplyMode.INSERT : ApplyMode.UPSERT, key, 1000, true, lookback,
                DeleteBehavior.NOTHING, FieldMapping.NONE, Map.of(), CdcTableMode.CONSOLIDATED, Long.MAX_VALUE, new Schedule.Manual(), SchemaPolicy.DEFAULT);
    }

    @Test
    void fullRefreshReplacesAndReadsEverything() {
        SyncPlan plan = SyncPlan.of(sync(SyncType.FULL_REFRESH, null, null, List.of("id"), Optional.empty()), ORDERS, Optional.empty(), false);
        assertThat(plan.writeMode()).isEqualTo(WriteMode.REPLACE);
        assertThat(plan.window()).isEmpty();
        assertThat(plan.schema().primaryKey()).containsExactly("id");
    }

    @Test
    void incrementalStartsAtTheHighWaterMarkInclusiveMinusTheLookback() {
        SyncConfig s = sync(SyncType.INCREMENTAL, "updated_at", CursorType.TIMESTAMP, List.of("id"), Optional.of(new Lookback.Span(Duration.ofMinutes(5))));
        SyncPlan plan = SyncPlan.of(s, ORDERS, Optional.of(Checkpoint.Cursor.of("updated_at", DataType.TIMESTAMP, MARK)), false);
        assertThat(plan.writeMode()).isEqualTo(WriteMode.UPSERT);
        assertThat(plan.window()).get().satisfies(w -> assertThat(w.lowerInclusive()).isEqualTo(MARK.minusMinutes(5)));
    }

    @Test
    void firstIncrementalRunReadsFromTheBeginning() {
        SyncConfig s = sync(SyncType.INCREMENTAL, "updated_at", CursorType.TIMESTAMP, List.of("id"), Optional.empty());
        assertThat(SyncPlan.of(s, ORDERS, Optional.empty(), false).window()).get().satisfies(w -> assertThat(w.lowerInclusive()).isNull());
    }

    @Test
    void resyncReplacesButStillRecordsTheCursor() {
        SyncConfig s = sync(SyncType.INCREMENTAL, "updated_at", CursorType.TIMESTAMP, List.of("id"), Optional.empty());
        SyncPlan plan = SyncPlan.of(s, ORDERS, Optional.of(Checkpoint.Cursor.of("updated_at", DataType.TIMESTAMP, MARK)), true);
        assertThat(plan.writeMode()).isEqualTo(WriteMode.REPLACE);
        assertThat(plan.window()).get().satisfies(w -> assertThat(w.lowerInclusive()).isNull());
    }

    @Test
    void appendDeduplicatesOnKeyAndCursorAndKeepsHistoryColumnsOnResync() {
        SyncConfig append = sync(SyncType.APPEND, "updated_at", CursorType.TIMESTAMP, List.of("id"), Optional.empty());
        assertThat(SyncPlan.of(append, ORDERS, Optional.empty(), false).appendDedupColumns()).containsExactly("id", "updated_at");
        SyncPlan resync = SyncPlan.of(append, ORDERS, Optional.empty(), true);
        assertThat(resync.writeMode()).isEqualTo(WriteMode.REPLACE);
        assertThat(resync.historyColumns()).isTrue();
    }

    @Test
    void missingCursorColumnListsTheColumnsAndTheFix() {
        assertThatThrownBy(() -> SyncPlan.of(sync(SyncType.INCREMENTAL, "modified_at", CursorType.TIMESTAMP, List.of("id"), Optional.empty()), ORDERS, Optional.empty(), false))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND))
                .hasMessage("sync \"orders_to_wh\": cursor column \"modified_at\" not found in public.orders (columns: id, total, updated_at, note); set cursor_field");
    }

    @Test
    void cursorTypeMismatchSuggestsTheRightType() {
        assertThatThrownBy(() -> SyncPlan.of(sync(SyncType.INCREMENTAL, "id", CursorType.TIMESTAMP, List.of("id"), Optional.empty()), ORDERS, Optional.empty(), false))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CURSOR_TYPE_MISMATCH))
                .hasMessageContaining("has type int64, but cursor_type is timestamp; set cursor_type: integer");
    }

    @Test
    void missingPrimaryKeyColumnIsNamed() {
        assertThatThrownBy(() -> SyncPlan.of(sync(SyncType.FULL_REFRESH, null, null, List.of("order_id"), Optional.empty()), ORDERS, Optional.empty(), false))
                .hasMessageContaining("primary key column \"order_id\" not found");
    }

    @Test
    void aCheckpointOnAnotherCursorColumnAsksForAResync() {
        SyncConfig s = sync(SyncType.INCREMENTAL, "updated_at", CursorType.TIMESTAMP, List.of("id"), Optional.empty());
        assertThatThrownBy(() -> SyncPlan.of(s, ORDERS, Optional.of(Checkpoint.Cursor.of("id", DataType.INT64, 5L)), false))
                .hasMessageContaining("run `tidemark resync orders_to_wh`");
    }

    @Test
    void numericLookbackSubtractsFromIntegerMarksWithoutOverflowing() {
        assertThat(SyncPlan.minus(100L, Optional.of(new Lookback.Amount(java.math.BigDecimal.TEN)))).isEqualTo(90L);
        assertThat(SyncPlan.minus(Long.MIN_VALUE + 5, Optional.of(new Lookback.Amount(java.math.BigDecimal.TEN)))).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> SyncPlan.minus(100L, Optional.of(new Lookback.Amount(new java.math.BigDecimal("0.5")))))
                .hasMessageContaining("not a whole number");
        assertThat(SyncPlan.minus(java.time.LocalDate.of(2026, 3, 2), Optional.of(new Lookback.Span(Duration.ofHours(1)))))
                .isEqualTo(java.time.LocalDate.of(2026, 3, 1));
    }
}
