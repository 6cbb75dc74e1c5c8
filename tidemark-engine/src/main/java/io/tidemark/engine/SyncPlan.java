package io.tidemark.engine;

import io.tidemark.api.Column;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.engine.checkpoint.Checkpoint;
import io.tidemark.engine.config.Lookback;
import io.tidemark.engine.config.SyncConfig;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a run will do, decided before anything is read: the write mode, the cursor window, the dedup key. Pure:
 * computed from the sync's settings, the source schema and the checkpoint, so every rule here is unit-tested.
 *
 * @param schema         the source schema with the sync's primary key
 * @param historyColumns the target is an append sync's history table (also when a resync replaces it)
 */
public record SyncPlan(StreamSchema schema, WriteMode writeMode, Optional<CursorWindow> window, List<String> appendDedupColumns,
                       boolean historyColumns) {

    /**
     * @param fromScratch a resync: read everything and replace the destination object atomically
     */
    public static SyncPlan of(SyncConfig sync, StreamSchema sourceSchema, Optional<Checkpoint> before, boolean fromScratch) {
        StreamSchema schema = sourceSchema.withPrimaryKey(sync.primaryKey());
        String where = "sync \"" + sync.name() + "\": ";
        for (String key : sync.primaryKey()) {
            if (schema.column(key).isEmpty()) {
                throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, where + "primary key column \"" + key + "\" not found in "
                        + schema.id() + " (columns: " + String.join(", ", schema.columnNames()) + "); fix primary_key");
            }
        }
        Optional<Column> cursor = sync.syncType().usesCursor() ? Optional.of(cursorColumn(sync, schema, where)) : Optional.empty();
        boolean history = sync.syncType() == SyncType.APPEND;
        if (sync.syncType() == SyncType.FULL_REFRESH || fromScratch) {
            return new SyncPlan(schema, WriteMode.REPLACE,
                    cursor.map(c -> new CursorWindow(c.name(), c.type(), null)), dedup(sync, cursor), history);
        }
        Column c = cursor.orElseThrow();
        Object lower = before.map(cp -> highWaterMark(sync, cp, c, where)).map(mark -> minus(mark, sync.cursorLookback())).orElse(null);
        WriteMode mode = sync.syncType() == SyncType.APPEND ? WriteMode.APPEND : WriteMode.UPSERT;
        return new SyncPlan(schema, mode, Optional.of(new CursorWindow(c.name(), c.type(), lower)), dedup(sync, cursor), history);
    }

    private static Column cursorColumn(SyncConfig sync, StreamSchema schema, String where) {
        String name = sync.cursorField().orElseThrow();
        Column column = schema.column(name).orElseThrow(() -> new TidemarkException(ErrorCode.COLUMN_NOT_FOUND,
                where + "cursor column \"" + name + "\" not found in " + schema.id() + " (columns: "
                        + String.join(", ", schema.columnNames()) + "); set cursor_field"));
        sync.cursorType().filter(t -> !t.matches(column.type())).ifPresent(t -> {
            String suggestion = io.tidemark.engine.config.CursorType.suggestionFor(column.type());
            throw new TidemarkException(ErrorCode.CURSOR_TYPE_MISMATCH, where + "cursor column \"" + name + "\" in "
                    + schema.id() + " has type " + column.type() + ", but cursor_type is " + t.configName() + "; "
                    + (suggestion == null ? "choose a date, timestamp or number column as cursor_field"
                    : "set cursor_type: " + suggestion));
        });
        return column;
    }

    private static Object highWaterMark(SyncConfig sync, Checkpoint checkpoint, Column cursor, String where) {
        if (!(checkpoint instanceof Checkpoint.Cursor mark)) return null;
        if (!mark.column().equals(cursor.name()) || mark.kind() != cursor.type().kind()) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + "the checkpoint is a high-water mark on "
                    + mark.column() + " (" + mark.kind().name().toLowerCase(java.util.Locale.ROOT) + ") but the cursor is now "
                    + cursor.name() + " (" + cursor.type() + "); run `tidemark resync " + sync.name() + "` to reload with the new cursor");
        }
        return mark.typedValue();
    }

    /** Append syncs skip rows they already hold: same key and same cursor value (the same version of the row). */
    private static List<String> dedup(SyncConfig sync, Optional<Column> cursor) {
        if (sync.syncType() != SyncType.APPEND) return List.of();
        List<String> columns = new ArrayList<>(sync.primaryKey());
        cursor.map(Column::name).filter(c -> !columns.contains(c)).ifPresent(columns::add);
        return columns;
    }

    static Object minus(Object mark, Optional<Lookback> lookback) {
        if (mark == null || lookback.isEmpty()) return mark;
        return switch (lookback.get()) {
            case Lookback.Span(Duration d) -> switch (mark) {
                case OffsetDateTime t -> t.minus(d);
                case LocalDateTime t -> t.minus(d);
                case LocalDate t -> t.minusDays((d.toSeconds() + 86_399) / 86_400);
                default -> throw lookbackMismatch(mark, "a number (the cursor is numeric)");
            };
            case Lookback.Amount(BigDecimal a) -> switch (mark) {
                case Short v -> (short) Math.max(Short.MIN_VALUE, v - wholeAmount(a));
                case Integer v -> (int) Math.max(Integer.MIN_VALUE, v - wholeAmount(a));
                case Long v -> v < Long.MIN_VALUE + wholeAmount(a) ? Long.MIN_VALUE : v - wholeAmount(a);
                case BigDecimal v -> v.subtract(a);
                case Double v -> v - a.doubleValue();
                case Float v -> (float) (v - a.doubleValue());
                default -> throw lookbackMismatch(mark, "a duration such as 5min (the cursor is a date/time)");
            };
        };
    }

    /** An integer cursor's look-back must be whole; saturates huge amounts instead of overflowing. */
    private static long wholeAmount(BigDecimal amount) {
        if (amount.stripTrailingZeros().scale() > 0) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "cursor_lookback " + amount.toPlainString()
                    + " is not a whole number but the cursor is an integer; set a whole number");
        }
        return amount.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : amount.longValueExact();
    }

    private static TidemarkException lookbackMismatch(Object mark, String expected) {
        return new TidemarkException(ErrorCode.CONFIG_INVALID, "cursor_lookback does not fit a cursor value like "
                + mark + "; set it to " + expected);
    }
}
