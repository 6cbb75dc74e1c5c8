package io.tidemark.api;

import java.util.List;
import java.util.Objects;

/**
 * What to read: a table or a SQL query (exactly one), with the primary key columns that identify a record.
 *
 * @param name the model's name in the workspace; names a query's stream
 */
public record ModelSpec(String name, StreamId table, String query, List<String> primaryKey) {
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        if ((table == null) == (query == null)) throw new IllegalArgumentException("exactly one of table and query");
        primaryKey = List.copyOf(primaryKey);
    }

    public static ModelSpec table(String name, StreamId table, List<String> primaryKey) {
        return new ModelSpec(name, table, null, primaryKey);
    }

    public static ModelSpec query(String name, String query, List<String> primaryKey) {
        return new ModelSpec(name, null, query, primaryKey);
    }

    public boolean isQuery() { return query != null; }

    /** The table, or a stream named after the model for a query. */
    public StreamId streamId() { return table != null ? table : new StreamId(null, name); }
}
