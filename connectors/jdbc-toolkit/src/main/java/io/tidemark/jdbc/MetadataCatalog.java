package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link Catalog} over {@link DatabaseMetaData}, for drivers whose metadata is complete (DuckDB, Postgres). */
public class MetadataCatalog implements Catalog {
    private static final String[] TABLE_TYPES = {"TABLE", "VIEW", "BASE TABLE"};

    private final Dialect dialect;
    private final String namespace;

    /** @param namespace the schema whose tables {@link #tables} lists */
    public MetadataCatalog(Dialect dialect, String namespace) {
        this.dialect = dialect;
        this.namespace = namespace;
    }

    @Override
    public List<StreamId> tables(Connection connection) throws SQLException {
        return tablesIn(connection, namespace, "%");
    }

    /** Tables in {@code schema} whose name matches the LIKE {@code pattern}, by name. */
    private List<StreamId> tablesIn(Connection connection, String schema, String pattern) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        List<StreamId> tables = new ArrayList<>();
        try (ResultSet rs = md.getTables(connection.getCatalog(), escape(md, schema), pattern, TABLE_TYPES)) {
            while (rs.next()) tables.add(new StreamId(rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME")));
        }
        tables.sort(Comparator.comparing(StreamId::name));
        return tables;
    }

    @Override
    public Optional<StreamSchema> describe(Connection connection, StreamId table) throws SQLException {
        Optional<StreamId> found = find(connection, table);
        if (found.isEmpty()) return Optional.empty();
        StreamId id = found.get();
        DatabaseMetaData md = connection.getMetaData();
        String catalog = connection.getCatalog();
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = md.getColumns(catalog, escape(md, id.namespace()), escape(md, id.name()), "%")) {
            while (rs.next()) {
                if (!id.name().equals(rs.getString("TABLE_NAME"))) continue;
                NativeType type = NativeType.of(rs.getString("TYPE_NAME"), rs.getInt("DATA_TYPE"),
                        rs.getInt("COLUMN_SIZE"), rs.getInt("DECIMAL_DIGITS"));
                columns.add(new Column(rs.getString("COLUMN_NAME"), dialect.dataType(type),
                        !"NO".equals(rs.getString("IS_NULLABLE")), type.declared()));
            }
        }
        TreeMap<Integer, String> key = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(catalog, id.namespace(), id.name())) {
            while (rs.next()) key.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
        }
        return Optional.of(new StreamSchema(id, columns, List.copyOf(key.values()), dialect.name()));
    }

    /** The table {@code wanted} names: the exact spelling first, then, where the dialect ignores case, any spelling. */
    private Optional<StreamId> find(Connection connection, StreamId wanted) throws SQLException {
        Optional<StreamId> exact = tablesIn(connection, wanted.namespace(), escape(connection.getMetaData(), wanted.name())).stream()
                .filter(t -> t.name().equals(wanted.name())).findFirst();
        if (exact.isPresent() || !dialect.caseInsensitiveIdentifiers()) return exact;
        return tablesIn(connection, wanted.namespace(), "%").stream().filter(t -> t.name().equalsIgnoreCase(wanted.name())).findFirst();
    }

    /** Metadata arguments are LIKE patterns: a table named {@code a_b} must not match {@code axb}. */
    private static String escape(DatabaseMetaData md, String name) throws SQLException {
        if (name == null) return null;
        String escape = md.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) return name;
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
