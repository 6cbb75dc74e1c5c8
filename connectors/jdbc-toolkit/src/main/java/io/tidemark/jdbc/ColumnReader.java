package io.tidemark.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads one column of the current row as the Java type of its {@link io.tidemark.api.DataType.Kind}; null for SQL NULL. */
@FunctionalInterface
public interface ColumnReader {
    Object read(ResultSet resultSet, int index) throws SQLException;
}
