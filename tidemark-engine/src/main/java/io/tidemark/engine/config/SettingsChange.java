package io.tidemark.engine.config;

import io.tidemark.api.StreamId;
import io.tidemark.api.SyncType;
import io.tidemark.engine.mapping.ColumnPattern;
import io.tidemark.engine.mapping.FieldMapping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Classifies the changes between two versions of a sync's settings (PRODUCT.md, "Changes to settings are
 * classified"). <b>Destructive</b> changes leave the destination's data or the checkpoint unmatched, so they need a
 * resync: {@code sync_type}, {@code cursor_field}, {@code cursor_type}, {@code primary_key}, {@code model},
 * {@code destination}, {@code table}; for a diff sync also a change of the fields that find destination records
 * ({@code record_matching}, or a {@code field_mapping} that renames them), which the change-tracking snapshot records;
 * for a cdc sync a {@code cdc_table_mode} change that turns the sync's table from a change log into a mirror or back.
 * Everything else takes effect on the next run.
 */
public final class SettingsChange {
    private SettingsChange() {}

    /** Every setting that differs, those that can be destructive first; empty when the settings are the same. */
    public static List<SettingChange> between(SyncConfig before, SyncConfig after) {
        Collector c = new Collector();
        c.add("model", before.model(), after.model(), true, () -> "the destination holds rows of model " + before.model()
                + "; a resync replaces them with rows of model " + after.model());
        c.add("destination", before.destination(), after.destination(), true, () -> "the sync's data and checkpoint stay at "
                + before.destination() + ", and at " + after.destination() + " it starts with nothing; a resync loads it there "
                + "(the old table is left as it is)");
        c.add("table", before.target(), after.target(), true, () -> "the sync's data and checkpoint stay in table " + before.target()
                + ", and table " + after.target() + " starts with nothing; a resync loads it (the old table is left as it is)");
        c.add("sync_type", before.syncType(), after.syncType(), true, () -> "the checkpoint holds " + checkpointOf(before)
                + ", which a " + after.syncType().configName() + " sync cannot go on from" + shapeChange(before.syncType(), after.syncType())
                + "; a resync re-reads everything as " + after.syncType().configName());
        c.add("cursor_field", before.cursorField(), after.cursorField(), true, () -> before.cursorField()
                .map(f -> "the checkpoint holds a cursor on " + f + "; a resync re-reads everything with "
                        + (after.cursorField().isPresent() ? "the new cursor" : "the new sync_type"))
                .orElse("the checkpoint holds no cursor; a resync reads everything once, then follows " + after.cursorField().orElse("")));
        c.add("cursor_type", before.cursorType(), after.cursorType(), true, () -> "the checkpoint's mark is "
                + before.cursorType().map(t -> "a " + t.configName() + " value").orElse("not a cursor")
                + ", which does not compare with " + after.cursorType().map(CursorType::configName).orElse("the new sync_type's")
                + " values; a resync re-reads everything");
        c.add("primary_key", before.primaryKey(), after.primaryKey(), true, () -> "the destination's rows"
                + (after.syncType() == SyncType.DIFF ? " and the change-tracking snapshot" : "") + " are keyed by ("
                + String.join(", ", before.primaryKey()) + "), so runs keyed by (" + String.join(", ", after.primaryKey())
                + ") would not find them; a resync rewrites the table with the new key");
        boolean matchingMoved = before.syncType() == SyncType.DIFF && after.syncType() == SyncType.DIFF
                && before.primaryKey().equals(after.primaryKey()) && !matching(before).equals(matching(after));
        String matchingReason = "change tracking finds destination records by " + text(matching(before)) + " and its snapshot was "
                + "taken that way, so the next run could not compare with it; reset tracking (takes the model as the baseline, sends "
                + "nothing) or resync (sends every row as added)";
        boolean mappingMovesMatching = matchingMoved && before.recordMatching().equals(after.recordMatching());
        c.add("field_mapping", before.fieldMapping(), after.fieldMapping(), mappingMovesMatching, () -> mappingMovesMatching
                ? "it renames the fields that find destination records: " + matchingReason : mappingReason(before, after));
        c.add("record_matching", before.recordMatching(), after.recordMatching(), matchingMoved && !mappingMovesMatching,
                () -> matchingMoved ? matchingReason : "finds the same records as before; takes effect on the next run");
        boolean tableRoleChanged = before.syncType() == SyncType.CDC && after.syncType() == SyncType.CDC
                && before.cdcTableMode().mirrors() != after.cdcTableMode().mirrors();
        c.add("cdc_table_mode", before.cdcTableMode(), after.cdcTableMode(), tableRoleChanged, () -> tableRoleChanged
                ? "table " + after.target() + " holds the " + (before.cdcTableMode().mirrors() ? "mirror" : "change log") + " and would hold the "
                + (after.cdcTableMode().mirrors() ? "mirror" : "change log") + ", which has another shape; a resync loads it afresh"
                : changelogChange(before, after));
        c.add("mode", before.mode(), after.mode(), false, () -> "applies to changes from the next run; records already sent stay as they are");
        c.add("delete_behavior", before.deleteBehavior(), after.deleteBehavior(), false,
                () -> "applies to records that leave the model from the next run; earlier removals stay as they were applied");
        c.add("cursor_lookback", before.cursorLookback(), after.cursorLookback(), false, () -> "widens or narrows the next run's cursor window");
        c.add("batch_size", before.batchSize(), after.batchSize(), false, () -> "takes effect on the next run");
        c.add("max_slot_lag", sizeText(before.maxCaptureLag()), sizeText(after.maxCaptureLag()), false, () -> "the capture's lag is guarded by the new limit from now on");
        c.add("enabled", before.enabled(), after.enabled(), false, () -> after.enabled()
                ? "the sync runs again on its schedule, from its checkpoint" : "the sync is paused; its data and checkpoint stay");
        c.add("schema_policy", before.schemaPolicy(), after.schemaPolicy(), false,
                () -> "applies to the schema changes the next run meets; changes already applied stay");
        c.add("schedule", before.schedule(), after.schedule(), false, () -> "takes effect at once: the sync runs " + after.schedule().describe());
        return c.changes();
    }

    /**
     * Change tracking compares the model columns a mapping reads, not the fields it makes: a new name or transform over
     * the same columns reaches records already sent only when their row changes, while reading other columns makes
     * every row compare as changed.
     */
    private static String mappingReason(SyncConfig before, SyncConfig after) {
        FieldMapping was = before.fieldMapping();
        FieldMapping is = after.fieldMapping();
        if (!List.copyOf(was.columns()).equals(List.copyOf(is.columns()))) {
            return "from the next run; the model columns compared change, so every row is sent as changed";
        }
        // Which columns patterns take depends on their globs, order and except lists (and on the model), not on group or drop_empty.
        if (!was.patterns().stream().map(ColumnPattern::selection).toList().equals(is.patterns().stream().map(ColumnPattern::selection).toList())) {
            return "from the next run; the patterns take other model columns, so when the model has such columns the columns "
                    + "compared change and every row is sent as changed";
        }
        return "applies to rows sent from the next run; records already sent keep their fields until their row changes "
                + "(change tracking compares the model columns read, which are the same); `tidemark resync " + after.name()
                + "` sends every row again";
    }

    /** What a sync's checkpoint holds, for messages. */
    private static String checkpointOf(SyncConfig sync) {
        return switch (sync.syncType()) {
            case FULL_REFRESH -> "only the row count and time of the last full load";
            case INCREMENTAL, APPEND -> "a cursor on " + sync.cursorField().orElse("its cursor column");
            case DIFF -> "a change-tracking snapshot";
            case CDC -> "a position in the source's change log (its replication slot)";
            case WEBHOOK -> "the last received payload";
        };
    }

    /** Append keeps every row version; the other types keep one row per record. */
    private static String shapeChange(SyncType before, SyncType after) {
        if ((before == SyncType.APPEND) == (after == SyncType.APPEND)) return "";
        return before == SyncType.APPEND ? ", and the table holds every row version where one row per record is expected"
                : ", and the table holds one row per record where append keeps every row version";
    }

    private static String changelogChange(SyncConfig before, SyncConfig after) {
        StreamId changelog = new StreamId(after.target().namespace(), after.target().name() + "_changelog");
        if (after.cdcTableMode().logs() && !before.cdcTableMode().logs()) {
            return "from the next run: the new change log " + changelog + " starts a new capture, which reloads " + after.target() + " once";
        }
        if (before.cdcTableMode().logs() && !after.cdcTableMode().logs()) {
            return "from the next run; the change log " + changelog + " stays as it is and is no longer written";
        }
        return "takes effect on the next run";
    }

    /** The model column → destination field pairs that find a diff sync's destination records (ChangeShape's rule). */
    private static Map<String, String> matching(SyncConfig sync) {
        if (!sync.recordMatching().isEmpty()) return sync.recordMatching();
        Map<String, String> matching = new LinkedHashMap<>();
        sync.primaryKey().forEach(c -> matching.put(c, sync.fieldMapping().matchingField(c)));
        return matching;
    }

    /**
     * A value as the workspace would write it: {@code [a, b]}, {@code {a: b}}, an enum's config name, a schedule's
     * description; {@code null} for what is not set (empty optionals, lists and maps).
     */
    static String text(Object value) {
        return switch (value) {
            case null -> null;
            case Optional<?> o -> o.map(SettingsChange::text).orElse(null);
            case Collection<?> list -> list.isEmpty() ? null : list.stream().map(SettingsChange::text).collect(Collectors.joining(", ", "[", "]"));
            case FieldMapping m -> m.isEmpty() ? null : m.toString();
            case Map<?, ?> map -> map.isEmpty() ? null : map.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining(", ", "{", "}"));
            case SyncType t -> t.configName();
            case ApplyMode m -> m.configName();
            case DeleteBehavior d -> d.configName();
            case CdcTableMode m -> m.configName();
            case SchemaPolicy p -> p.toString();
            case CursorType t -> t.configName();
            case Schedule s -> s.describe();
            case Lookback.Span(Duration d) -> spanText(d.toSeconds());
            case Lookback.Amount(java.math.BigDecimal amount) -> amount.toPlainString();
            default -> value.toString();
        };
    }

    /** A look-back as the workspace writes it: {@code 90s}, {@code 5min}, {@code 2hour}, {@code 1day}. */
    private static String spanText(long seconds) {
        if (seconds == 0 || seconds % 60 != 0) return seconds + "s";
        if (seconds % 86_400 == 0) return seconds / 86_400 + "day";
        return seconds % 3_600 == 0 ? seconds / 3_600 + "hour" : seconds / 60 + "min";
    }

    /** A byte size as the workspace writes it: {@code 10GB}, {@code 512MB}. */
    private static String sizeText(long bytes) {
        String[] units = {"TB", "GB", "MB", "KB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytes % unit == 0) return bytes / unit + units[i];
        }
        return bytes + "B";
    }

    /** Collects the settings that differ; values compare by equality and show as {@link #text}. */
    static final class Collector {
        private final List<SettingChange> changes = new ArrayList<>();

        void add(String setting, Object before, Object after, boolean destructive, Supplier<String> reason) {
            if (!Objects.equals(before, after)) changes.add(new SettingChange(setting, text(before), text(after), destructive, reason.get()));
        }

        /** A secret: compared, shown as {@link SettingChange#REDACTED}. */
        void addSecret(String setting, String before, String after, Supplier<String> reason) {
            addShown(setting, before, after, before == null ? null : SettingChange.REDACTED, after == null ? null : SettingChange.REDACTED, reason);
        }

        /** A value that may only be shown in part: compared whole, shown as given. */
        void addShown(String setting, Object before, Object after, String beforeShown, String afterShown, Supplier<String> reason) {
            if (!Objects.equals(before, after)) changes.add(new SettingChange(setting, beforeShown, afterShown, false, reason.get()));
        }

        List<SettingChange> changes() { return List.copyOf(changes); }
    }
}
