package io.tidemark.engine.config;

import io.tidemark.api.StreamId;
import io.tidemark.api.SyncType;
import io.tidemark.engine.mapping.FieldMapping;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A sync: a model flowing into a destination object.
 *
 * @param primaryKey     the record identity: the sync's {@code primary_key}, else the model's
 * @param cursorLookback how far below the high-water mark each incremental read starts, in the cursor's unit
 *                       (a duration for temporal cursors, a number for numeric ones); empty = start at the mark
 * @param deleteBehavior what a {@code diff} sync does with records that left the model
 * @param fieldMapping   which destination fields a diff sync sends, from which model columns and how (renames and
 *                       transforms, docs/transforms.md); {@link FieldMapping#NONE} = every column, same name
 * @param recordMatching model column → destination field that finds a row's destination record; empty = the
 *                       primary key under its mapped names
 * @param cdcTableMode   what a {@code cdc} sync keeps at the destination
 * @param maxCaptureLag  a {@code cdc} sync pauses when the source keeps more log than this for it, in bytes
 * @param schedule       when the sync runs by itself ({@link Schedule.Manual} by default)
 * @param schemaPolicy   what the sync does with each kind of source schema change
 */
public record SyncConfig(String name, String model, String destination, StreamId target, SyncType syncType,
                         Optional<String> cursorField, Optional<CursorType> cursorType, ApplyMode mode,
                         List<String> primaryKey, int batchSize, boolean enabled, Optional<Lookback> cursorLookback,
                         DeleteBehavior deleteBehavior, FieldMapping fieldMapping, Map<String, String> recordMatching,
                         CdcTableMode cdcTableMode, long maxCaptureLag, Schedule schedule, SchemaPolicy schemaPolicy) {
    public SyncConfig {
        Objects.requireNonNull(cdcTableMode, "cdcTableMode");
        primaryKey = List.copyOf(primaryKey);
        Objects.requireNonNull(deleteBehavior, "deleteBehavior");
        Objects.requireNonNull(fieldMapping, "fieldMapping");
        recordMatching = Collections.unmodifiableMap(new LinkedHashMap<>(recordMatching));
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(schemaPolicy, "schemaPolicy");
    }

    /**
     * This sync sending only the mapping entries whose columns {@code kept} accepts (the others' fields are left as
     * they are); constants, which read no column, and patterns, which take only the columns there are, stay.
     */
    public SyncConfig withMappedColumns(java.util.function.Predicate<String> kept) {
        FieldMapping mapping = fieldMapping.reading(kept);
        return new SyncConfig(name, model, destination, target, syncType, cursorField, cursorType, mode, primaryKey, batchSize,
                enabled, cursorLookback, deleteBehavior, mapping, recordMatching, cdcTableMode, maxCaptureLag, schedule, schemaPolicy);
    }
}
