package io.tidemark.connector.duckdb;

import io.tidemark.api.StreamId;
import io.tidemark.jdbc.MetadataCatalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** DuckDB's JDBC metadata is complete; this only adds the row estimate DuckDB keeps per table. */
final class DuckDbCatalog extends MetadataCatalog {

    DuckDbCatalog(DuckDbDialect dialect, String schema) { super(dialect, schema); }

    @Override
    public long estimatedRows(Connection connection, StreamId table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT estimated_size FROM duckdb_tables() "
                + "WHERE database_name = current_database() AND schema_name = ? AND table_name = ?")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }
}
