package io.tidemark.connector.duckdb;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.jdbc.MetadataCatalog;
import io.tidemark.jdbc.Refusal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB's JDBC metadata is complete; this adds the row estimate DuckDB keeps per table, and the table rules a change
 * is checked against before it runs (DuckDB cannot roll back one failed statement).
 */
final class DuckDbCatalog extends MetadataCatalog {
    private final DuckDbDialect dialect;

    DuckDbCatalog(DuckDbDialect dialect, String schema) {
        super(dialect, schema);
        this.dialect = dialect;
    }

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

    /**
     * NOT NULL columns without a default (a new record a change leaves them out of would be NULL there), CHECK
     * constraints (evaluated under {@code TRY}, so that an expression that errors refuses the record instead of failing
     * the query), and JSON columns (staged as text, see {@link DuckDbDialect#stagingTypeName}). UNIQUE and FOREIGN KEY
     * constraints other than the primary key are not checked ahead.
     */
    @Override
    public List<Refusal> refusals(Connection connection, StreamSchema table) throws SQLException {
        List<Refusal> refusals = new ArrayList<>();
        for (String[] column : rows(connection, table, "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                + "AND schema_name = ? AND table_name = ? AND NOT is_nullable AND column_default IS NULL ORDER BY column_index")) {
            // The key is never NULL: rows are checked for that before staging.
            if (table.primaryKey().stream().noneMatch(column[0]::equalsIgnoreCase)) {
                refusals.add(new Refusal(dialect.quote(column[0]) + " IS NULL",
                        "column " + column[0] + " is NOT NULL without a default, and the change leaves it empty"));
            }
        }
        for (String[] check : rows(connection, table, "SELECT expression, constraint_text FROM duckdb_constraints() WHERE database_name = "
                + "current_database() AND schema_name = ? AND table_name = ? AND constraint_type = 'CHECK' ORDER BY constraint_index")) {
            refusals.add(new Refusal("TRY((" + check[0] + ") IS NOT FALSE) IS NOT TRUE", "it breaks the table's " + check[1]));
        }
        for (Column column : table.columns()) {
            if (column.type().kind() == DataType.Kind.JSON) {
                refusals.add(new Refusal("NOT json_valid(" + dialect.quote(column.name()) + ")",
                        "column " + column.name() + " is not valid JSON"));
            }
        }
        return refusals;
    }

    /** The rows {@code sql} returns for the table's schema and name (its two parameters), as text. */
    static List<String[]> rows(Connection connection, StreamSchema table, String sql) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, table.id().namespace());
            ps.setString(2, table.id().name());
            try (ResultSet rs = ps.executeQuery()) {
                int width = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[width];
                    for (int i = 0; i < width; i++) row[i] = rs.getString(i + 1);
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
