package io.tidemark.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape of a stream: ordered columns, primary key, and the dialect its {@link Column#nativeType()}s are in.
 */
public record StreamSchema(StreamId id, List<Column> columns, List<String> primaryKey, String nativeDialect) {
    public StreamSchema {
        Objects.requireNonNull(id, "id");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Position of {@code name} in {@link #columns()}, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(name)) return i;
        return -1;
    }

    public List<String> columnNames() { return columns.stream().map(Column::name).toList(); }

    public StreamSchema withPrimaryKey(List<String> key) { return new StreamSchema(id, columns, key, nativeDialect); }
}
