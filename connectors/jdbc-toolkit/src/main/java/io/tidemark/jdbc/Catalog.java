package io.tidemark.jdbc;

import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Where a database's tables and their columns are looked up. */
public interface Catalog {

    /** User tables and views in the connection's namespace(s), in a stable order. */
    List<StreamId> tables(Connection connection) throws SQLException;

    /**
     * The columns (with {@link io.tidemark.api.Column#nativeType()} set) and primary key of a table or view, or
     * empty when it does not exist. {@code table} carries a namespace; its name matches case-insensitively where the
     * dialect's identifiers do, and the returned schema carries the name as the catalog spells it.
     */
    Optional<StreamSchema> describe(Connection connection, StreamId table) throws SQLException;

    /** The database's estimate of a table's rows, or -1 when it keeps none. */
    default long estimatedRows(Connection connection, StreamId table) throws SQLException { return -1; }

    /**
     * The rules of {@code table} (as {@link #describe} returned it) that a change could break beyond its column types
     * and the NOT NULL of the columns a change sets, which are checked in Java: each condition is evaluated over the
     * records as a change would leave them. Only asked where a failed statement cannot be rolled back
     * ({@link Dialect#savepoints()} is false), so that a refused record is found by a query that cannot fail; a
     * database with savepoints lets the statement fail and rolls it back instead.
     */
    default List<Refusal> refusals(Connection connection, StreamSchema table) throws SQLException { return List.of(); }
}
