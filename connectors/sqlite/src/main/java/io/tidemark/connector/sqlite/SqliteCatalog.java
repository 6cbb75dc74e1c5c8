package io.tidemark.connector.sqlite;

import io.tidemark.api.Column;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.jdbc.Catalog;
import io.tidemark.jdbc.NativeType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * SQLite's own catalog ({@code sqlite_schema} and {@code pragma_table_xinfo}) rather than the driver's
 * DatabaseMetaData, which parses declared types lossily ({@code DECIMAL(12,2)} comes back with size 14): the
 * declared type is the one place SQLite keeps what a column is meant to hold.
 */
final class SqliteCatalog implements Catalog {
    private static final String USER_TABLES = "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

    private final SqliteDialect dialect;
    private final String namespace;

    SqliteCatalog(SqliteDialect dialect, String namespace) {
        this.dialect = dialect;
        this.namespace = namespace;
    }

    @Override
    public List<StreamId> tables(Connection connection) throws SQLException {
        List<StreamId> tables = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT name FROM " + dialect.quote(namespace) + ".sqlite_schema "
                + USER_TABLES + " ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) tables.add(new StreamId(namespace, rs.getString(1)));
        }
        return tables;
    }

    @Override
    public Optional<StreamSchema> describe(Connection connection, StreamId table) throws SQLException {
        // SQLite matches table names without regard to case; prefer the exact spelling when two differ only in case.
        Optional<StreamId> found = Optional.empty();
        try (PreparedStatement ps = connection.prepareStatement("SELECT name FROM " + dialect.quote(table.namespace()) + ".sqlite_schema "
                + USER_TABLES + " AND name = ? COLLATE NOCASE ORDER BY name = ? DESC LIMIT 1")) {
            ps.setString(1, table.name());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) found = Optional.of(new StreamId(table.namespace(), rs.getString(1)));
            }
        }
        if (found.isEmpty()) return Optional.empty();
        StreamId id = found.get();
        List<Column> columns = new ArrayList<>();
        TreeMap<Integer, String> key = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(?, ?) ORDER BY cid")) {
            ps.setString(1, id.name());
            ps.setString(2, id.namespace());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getInt("hidden") == 1) continue; // hidden columns of virtual tables are not data
                    String name = rs.getString("name");
                    int pk = rs.getInt("pk");
                    NativeType type = NativeType.declared(rs.getString("type"));
                    columns.add(new Column(name, dialect.dataType(type), rs.getInt("notnull") == 0 && pk == 0, type.declared()));
                    if (pk > 0) key.put(pk, name);
                }
            }
        }
        return Optional.of(new StreamSchema(id, columns, List.copyOf(key.values()), dialect.name()));
    }
}
