package io.tidemark.api;

import java.util.Objects;

/**
 * Rows whose cursor column is {@code >= lowerInclusive} (all rows when it is null). The reader chooses the upper
 * bound itself, inside the consistent read it takes ({@link StreamReader#cursorUpperBound()}), so rows committed
 * after the bound was chosen are left for the next run rather than half-seen.
 */
public record CursorWindow(String column, DataType type, Object lowerInclusive) {
    public CursorWindow {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(type, "type");
    }
}
