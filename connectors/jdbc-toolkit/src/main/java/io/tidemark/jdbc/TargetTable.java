package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The DDL a writer needs for its target: creating it, or evolving an existing one so that it can take the sync's
 * columns (adding the missing ones, widening the ones whose type widens to the incoming one, refusing the others whose
 * type cannot hold the values).
 */
final class TargetTable {
    private TargetTable() {}

    /**
     * An existing table made ready for {@code wanted}: the columns to change to wider types ({@link Dialect#widen}) and
     * then the statements adding the missing ones, and the columns to load with the types the table holds after both
     * and whether it takes NULL in them.
     */
    record Evolution(List<Column> columns, List<Widening> widenings, List<String> statements) {}

    static String create(Dialect dialect, StreamId table, List<Column> columns, List<String> key) {
        String definitions = columns.stream()
                .map(c -> dialect.quote(c.name()) + " " + dialect.typeName(c.type()) + (key.contains(c.name()) ? " NOT NULL" : ""))
                .collect(Collectors.joining(", "));
        String primaryKey = key.isEmpty() ? "" : ", PRIMARY KEY (" + dialect.columnList(key) + ")";
        return "CREATE TABLE " + dialect.qualified(table) + " (" + definitions + primaryKey + ")";
    }

    /** {@code columns} as {@link #create} makes them: with the types this dialect stores, NOT NULL for the key only. */
    static List<Column> stored(Dialect dialect, List<Column> columns, List<String> key) {
        return columns.stream().map(c -> new Column(c.name(), dialect.storedType(c.type()), !key.contains(c.name()), null)).toList();
    }

    static Evolution evolve(Dialect dialect, String connection, StreamSchema existing, List<Column> wanted) {
        List<Column> columns = new ArrayList<>();
        List<Widening> widenings = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        for (Column want : wanted) {
            Optional<Column> have = find(dialect, existing, want.name());
            DataType type = dialect.storedType(want.type());
            if (have.isEmpty()) {
                statements.add("ALTER TABLE " + dialect.qualified(existing.id()) + " ADD COLUMN " + dialect.quote(want.name())
                        + " " + dialect.typeName(want.type()));
                columns.add(new Column(want.name(), type, true, null));
                continue;
            }
            Column column = have.get();
            if (dialect.canHold(column.type(), type)
                    || !declaredAsOwn(dialect, column) && dialect.storesWholeInForeignColumn(column.type(), type)) {
                columns.add(new Column(want.name(), column.type(), column.nullable(), column.nativeType()));
            } else if (widens(dialect, column, type)) {
                widenings.add(new Widening(column, type));
                columns.add(new Column(want.name(), type, column.nullable(), dialect.typeName(type)));
            } else {
                String shown = column.nativeType() != null ? column.nativeType() + " (" + column.type() + ")" : column.type().toString();
                throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, SqlErrors.prefix(connection) + "column "
                        + column.name() + " of " + existing.id() + " is " + shown + " but the sync writes " + want.type()
                        + "; change the column to " + dialect.typeName(want.type())
                        + " (or a wider type), or resync to recreate the table");
            }
        }
        return new Evolution(columns, widenings, statements);
    }

    /**
     * Whether {@code column} can be changed to {@code type} in place: its type widens to it, and it is declared as this
     * dialect declares its type, so that Tidemark knows how its values are stored (a column made by another tool, such as
     * DuckDB's nanosecond {@code TIMESTAMP_NS}, could lose something Tidemark's type does not describe).
     */
    private static boolean widens(Dialect dialect, Column column, DataType type) {
        return column.type().widensTo(type) && declaredAsOwn(dialect, column);
    }

    /** Declared as this dialect declares the column's type: made by Tidemark (or as Tidemark would). */
    private static boolean declaredAsOwn(Dialect dialect, Column column) {
        return dialect.typeName(column.type()).equalsIgnoreCase(column.nativeType());
    }

    /**
     * Refuses matching records by key in a table whose primary key is not the sync's: ON CONFLICT needs exactly that
     * key, and matching by columns that are not unique would change several records for one.
     */
    static void requireKey(Dialect dialect, String connection, StreamSchema existing, List<String> key) {
        if (sameNames(dialect, existing.primaryKey(), key)) return;
        List<String> have = existing.primaryKey();
        String described = have.isEmpty() ? "has no primary key" : "has primary key (" + String.join(", ", have) + ")";
        throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, SqlErrors.prefix(connection) + "table " + existing.id()
                + " " + described + " but the sync matches records by (" + String.join(", ", key) + "); give the table primary key ("
                + String.join(", ", key) + "), or resync to recreate it");
    }

    /** Whether {@code a} and {@code b} name the same columns, in any order. */
    static boolean sameNames(Dialect dialect, List<String> a, List<String> b) {
        return a.size() == b.size() && b.stream().allMatch(name -> a.stream().anyMatch(other -> sameName(dialect, other, name)));
    }

    /** The column of {@code schema} named {@code name}: the exact spelling first, then any spelling where case does not matter. */
    static Optional<Column> find(Dialect dialect, StreamSchema schema, String name) {
        Optional<Column> exact = schema.column(name);
        if (exact.isPresent()) return exact;
        return schema.columns().stream().filter(c -> sameName(dialect, c.name(), name)).findFirst();
    }

    static boolean sameName(Dialect dialect, String a, String b) {
        return dialect.caseInsensitiveIdentifiers() ? a.equalsIgnoreCase(b) : a.equals(b);
    }
}
