package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What differs between SQL databases, kept small: type names both ways, how values cross JDBC, the few statements
 * whose syntax varies (upsert, table swap, changing a column's type) and how driver errors are classified. Everything
 * else in this toolkit is plain SQL that DuckDB, SQLite and Postgres all run unchanged.
 */
public interface Dialect {

    /** Names the dialect in {@link io.tidemark.api.StreamSchema#nativeDialect()}: {@code duckdb}, {@code sqlite}. */
    String name();

    /** The SQL type a column holding {@code type} is created with. */
    String typeName(DataType type);

    /**
     * The type a column created with {@link #typeName} really holds, when the database narrows or widens it (DuckDB
     * has no unbounded decimal and ignores string lengths). Values are checked against it before they are loaded.
     */
    default DataType storedType(DataType type) { return type; }

    /**
     * The SQL type a staging table column holding {@code type} is created with: the column's own type, unless loading
     * into it could fail where a later query can find the bad value instead (DuckDB stages JSON as text).
     */
    default String stagingTypeName(DataType type) { return typeName(type); }

    /** The bound this database puts on values of {@code type} beyond the type itself, if any. */
    default Optional<ValueLimit> valueLimit(DataType type) { return Optional.empty(); }

    /**
     * Whether {@code ROLLBACK TO SAVEPOINT} undoes a failed statement and leaves the transaction usable. Where it does
     * not (DuckDB aborts the whole transaction on any error), applying changes must not run a statement that row data
     * can fail: rows are checked in Java and against {@link Catalog#refusals} first.
     */
    default boolean savepoints() { return true; }

    /** The type a column of this native type is read as. */
    DataType dataType(NativeType type);

    /** Whether unquoted and quoted identifiers that differ only in case name the same object (DuckDB, SQLite). */
    default boolean caseInsensitiveIdentifiers() { return false; }

    default String quote(String identifier) { return '"' + identifier.replace("\"", "\"\"") + '"'; }

    default String qualified(StreamId table) {
        return table.namespace() == null ? quote(table.name()) : quote(table.namespace()) + "." + quote(table.name());
    }

    default String columnList(List<String> columns) {
        return columns.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    /**
     * How a source column is selected. A dialect casts native types that have no {@link DataType} of their own
     * (lists, intervals) to the text its {@link #dataType} promised.
     */
    default String selectExpression(Column column) { return quote(column.name()); }

    default ColumnReader reader(DataType type) { return StandardValues.reader(type); }

    default ColumnBinder binder(DataType type) { return StandardValues.binder(type); }

    /** Whether an existing column of type {@code column} can take {@code incoming} values without loss. */
    default boolean canHold(DataType column, DataType incoming) { return TypeCompatibility.canHold(column, incoming); }

    /**
     * Whether a column declared by another tool (not in this dialect's own spelling) takes {@code incoming} values
     * whole although its declared type is narrower: a database that does not enforce the limit (SQLite and string
     * lengths) stores them as they are, and a table Tidemark did not make is left as it is rather than rebuilt.
     */
    default boolean storesWholeInForeignColumn(DataType column, DataType incoming) { return false; }

    /**
     * The statements that change columns of {@code table} to their wider types in place. The writer runs them in its
     * transaction before it loads a row, so the new types commit with the data or roll back with it. Every value keeps
     * its meaning ({@link DataType#widensTo}): a timestamp without time zone becomes the instant it denotes in UTC.
     * The default alters each column with standard SQL, converting its values with {@link #widenedValue}; a database
     * that cannot alter a column's type overrides this, e.g. with a {@link TableRebuild}.
     *
     * @param connection the writer's connection, inside its transaction, for reading what else the change must keep
     * @param table      the table as the catalog describes it
     */
    default List<String> widen(Connection connection, StreamSchema table, List<Widening> widenings) throws SQLException {
        return widenings.stream().map(w -> "ALTER TABLE " + qualified(table.id()) + " ALTER COLUMN " + quote(w.column().name())
                + " SET DATA TYPE " + typeName(w.type()) + " USING " + widenedValue(w)).toList();
    }

    /**
     * The SQL expression giving a widened column's value in its wider type: by default the column itself (the database's
     * own conversion keeps every value), and for a timestamp without time zone, the instant it denotes in UTC, whatever
     * the session's time zone.
     */
    default String widenedValue(Widening widening) {
        String column = quote(widening.column().name());
        boolean toInstant = widening.from().kind() == DataType.Kind.TIMESTAMP && widening.type().kind() == DataType.Kind.TIMESTAMPTZ;
        return toInstant ? column + " AT TIME ZONE 'UTC'" : column;
    }

    /** A comparison that treats two NULLs as equal, for deduplication. */
    default String isNotDistinctFrom(String left, String right) { return left + " IS NOT DISTINCT FROM " + right; }

    /** The statement creating {@code namespace} when missing; empty when the database has fixed namespaces. */
    default Optional<String> createNamespace(String namespace) {
        return Optional.of("CREATE SCHEMA IF NOT EXISTS " + quote(namespace));
    }

    /** A table private to the connection and gone when it closes, for staging rows. */
    default String createTemporaryTable(String name, String columnDefinitions) {
        return "CREATE TEMPORARY TABLE " + quote(name) + " (" + columnDefinitions + ")";
    }

    /** Statements that put {@code shadow} in the place of {@code target} inside the current transaction. */
    default List<String> swap(StreamId target, StreamId shadow) {
        return List.of("DROP TABLE IF EXISTS " + qualified(target),
                "ALTER TABLE " + qualified(shadow) + " RENAME TO " + quote(target.name()));
    }

    /**
     * Inserts the rows {@code select} returns into {@code target}, updating rows whose {@code key} exists.
     * {@code select} must end with a WHERE clause: SQLite cannot otherwise tell the ON CONFLICT clause from a join.
     */
    default String upsert(StreamId target, List<String> columns, List<String> key, String select) {
        List<String> updated = columns.stream().filter(c -> !key.contains(c)).toList();
        String action = updated.isEmpty() ? "DO NOTHING" : "DO UPDATE SET "
                + updated.stream().map(c -> quote(c) + " = excluded." + quote(c)).collect(Collectors.joining(", "));
        return "INSERT INTO " + qualified(target) + " (" + columnList(columns) + ") " + select
                + " ON CONFLICT (" + columnList(key) + ") " + action;
    }

    /**
     * The statement indexing an append target's dedup columns, or empty when the database should not have one: a row
     * store needs it to avoid a scan per staged row, a column store (DuckDB) answers the anti-join with a hash join.
     */
    default Optional<String> appendDedupIndex(StreamId table, List<String> columns) {
        return Optional.of("CREATE INDEX IF NOT EXISTS " + quote("_tidemark_dedup_" + table.name()) + " ON " + qualified(table)
                + " (" + columnList(columns) + ")");
    }

    /** A statement whose result metadata describes {@code query}'s columns, returning as few rows as it can. */
    default String describeQuery(String query) { return "SELECT * FROM (" + query + ") q WHERE 1 = 0"; }

    /** Classifies a driver exception. */
    SqlFailure classify(SQLException e);
}
