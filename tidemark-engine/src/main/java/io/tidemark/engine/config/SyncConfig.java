package io.tidemark.engine.config;

import io.tidemark.api.StreamId;
import io.tidemark.api.SyncType;

import java.util.List;
import java.util.Optional;

/**
 * A sync: a model flowing into a destination object.
 *
 * @param primaryKey     the record identity: the sync's {@code primary_key}, else the model's
 * @param cursorLookback how far below the high-water mark each incremental read starts, in the cursor's unit
 *                       (a duration for temporal cursors, a number for numeric ones); empty = start at the mark
 */
public record SyncConfig(String name, String model, String destination, StreamId target, SyncType syncType,
                         Optional<String> cursorField, Optional<CursorType> cursorType, ApplyMode mode,
                         List<String> primaryKey, int batchSize, boolean enabled, Optional<Lookback> cursorLookback) {
    public SyncConfig {
        primaryKey = List.copyOf(primaryKey);
    }
}
