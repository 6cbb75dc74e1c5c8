package io.tidemark.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A read of one model.
 *
 * @param schema    the schema returned by {@link Source#describe}; batches come in its column order
 * @param window    present for cursor-based sync types
 * @param batchSize rows per {@link RowBatch} (a hint)
 */
public record ReadRequest(ModelSpec model, StreamSchema schema, SyncType syncType, Optional<CursorWindow> window,
                          int batchSize) {
    public ReadRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(syncType, "syncType");
        Objects.requireNonNull(window, "window");
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0");
    }
}
