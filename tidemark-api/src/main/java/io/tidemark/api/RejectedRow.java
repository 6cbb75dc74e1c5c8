package io.tidemark.api;

import java.util.List;

/** A row the destination refused: its primary key values and the destination's reason. */
public record RejectedRow(List<Object> key, String reason) {
    public RejectedRow {
        key = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(key));
    }
}
