package io.tidemark.api;

import java.util.List;
import java.util.Objects;

/**
 * A batch of rows sharing one schema: each row is an {@code Object[]} in {@link StreamSchema#columns()} order,
 * values as {@link DataType.Kind#javaType()}. Batches move between stages; rows are never wrapped in maps.
 * The row arrays are owned by the batch: a consumer must not modify them.
 */
public record RowBatch(StreamSchema schema, List<Object[]> rows) {
    public RowBatch {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(rows, "rows");
    }

    public int size() { return rows.size(); }

    public boolean isEmpty() { return rows.isEmpty(); }
}
