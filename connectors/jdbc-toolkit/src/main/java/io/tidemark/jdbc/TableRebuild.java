package io.tidemark.jdbc;

import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Changes column types that the database cannot change with {@code ALTER TABLE}, the way SQLite documents for any such
 * change (https://sqlite.org/lang_altertable.html#otheralter): create the table anew from its own definition with the
 * new types, copy the rows, drop the old table, rename the new one into its place, and recreate the indexes and
 * triggers that the drop took with it. Run inside one transaction, readers see the old table or the new one, never
 * a mix; rolled back, the old table stays as it was.
 */
public final class TableRebuild {
    private static final String PREFIX = "_tidemark_rebuild_";

    private TableRebuild() {}

    /**
     * The statements rebuilding {@code table} with its {@code widenings}.
     *
     * @param table      the table as the catalog describes it; every one of its columns is copied
     * @param definition the {@code CREATE TABLE} statement the database keeps for it
     * @param dependents the statements recreating its indexes and triggers, as the database keeps them
     */
    public static List<String> statements(Dialect dialect, StreamSchema table, String definition, List<String> dependents,
                                          List<Widening> widenings) {
        StreamId id = table.id();
        StreamId rebuilt = new StreamId(id.namespace(), PREFIX + id.name());
        String copied = dialect.columnList(table.columnNames());
        String values = table.columns().stream()
                .map(c -> widenings.stream().filter(w -> w.column().name().equals(c.name())).findFirst()
                        .map(dialect::widenedValue).orElse(dialect.quote(c.name())))
                .collect(Collectors.joining(", "));
        List<String> statements = new ArrayList<>();
        statements.add("DROP TABLE IF EXISTS " + dialect.qualified(rebuilt));
        statements.add(CreateTableText.retyped(dialect, definition, dialect.qualified(rebuilt), widenings));
        statements.add("INSERT INTO " + dialect.qualified(rebuilt) + " (" + copied + ") SELECT " + values + " FROM " + dialect.qualified(id));
        statements.addAll(dialect.swap(id, rebuilt));
        statements.addAll(dependents);
        return statements;
    }
}
