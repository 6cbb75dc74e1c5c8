package io.tidemark.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Binds one value (of the Java type of its {@link io.tidemark.api.DataType.Kind}, or null) to a parameter. */
@FunctionalInterface
public interface ColumnBinder {
    void bind(PreparedStatement statement, int index, Object value) throws SQLException;
}
