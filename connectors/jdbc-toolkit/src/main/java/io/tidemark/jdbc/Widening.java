package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;

import java.util.Objects;

/**
 * A column of an existing table to be changed in place to a type that its values {@linkplain DataType#widensTo widen}
 * to, keeping every value and its meaning.
 *
 * @param column the column as the catalog describes it: its name as the table spells it, its type and declared type
 * @param type   the wider type, as the dialect stores it ({@link Dialect#storedType})
 */
public record Widening(Column column, DataType type) {
    public Widening {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(type, "type");
        if (!column.type().widensTo(type)) throw new IllegalArgumentException(column.type() + " does not widen to " + type);
    }

    /** The column's type before the change. */
    public DataType from() { return column.type(); }
}
