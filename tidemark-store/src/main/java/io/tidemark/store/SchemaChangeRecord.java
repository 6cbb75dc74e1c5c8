package io.tidemark.store;

import java.util.Objects;
import java.util.Optional;

/**
 * A source schema change a run met, and what the sync's {@code schema_policy} did about it.
 *
 * @param kind   {@code column_added}, {@code column_dropped}, {@code type_widened}, {@code type_changed} or
 *               {@code primary_key_changed}
 * @param column the column; for a primary key change, the new key's columns
 * @param before the type (or key) the destination was built with; empty for an added column
 * @param after  the type (or key) at the source; empty for a dropped column
 * @param action {@code propagate}, {@code ignore}, {@code pause} or {@code fail}
 * @param description the change and the action in words, as the engine put them
 */
public record SchemaChangeRecord(String kind, String column, Optional<String> before, Optional<String> after, String action,
                                 String description) {
    public SchemaChangeRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(description, "description");
    }
}
