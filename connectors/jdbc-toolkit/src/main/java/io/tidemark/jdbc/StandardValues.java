package io.tidemark.jdbc;

import io.tidemark.api.DataType;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Reading and binding values through plain JDBC 4.2 ({@code getObject(index, LocalDate.class)} and friends): what
 * a driver with native types for every kind needs. Dialects storing some kinds differently (SQLite keeps temporals
 * as text) override {@link Dialect#reader} and {@link Dialect#binder} for those kinds only.
 */
public final class StandardValues {
    private StandardValues() {}

    public static ColumnReader reader(DataType type) {
        return switch (type.kind()) {
            case BOOLEAN -> (rs, i) -> {
                boolean v = rs.getBoolean(i);
                return rs.wasNull() ? null : v;
            };
            case INT16 -> (rs, i) -> {
                short v = rs.getShort(i);
                return rs.wasNull() ? null : v;
            };
            case INT32 -> (rs, i) -> {
                int v = rs.getInt(i);
                return rs.wasNull() ? null : v;
            };
            case INT64 -> (rs, i) -> {
                long v = rs.getLong(i);
                return rs.wasNull() ? null : v;
            };
            case FLOAT32 -> (rs, i) -> {
                float v = rs.getFloat(i);
                return rs.wasNull() ? null : v;
            };
            case FLOAT64 -> (rs, i) -> {
                double v = rs.getDouble(i);
                return rs.wasNull() ? null : v;
            };
            case DECIMAL -> (rs, i) -> rs.getBigDecimal(i);
            case STRING, JSON -> (rs, i) -> rs.getString(i);
            case DATE -> (rs, i) -> rs.getObject(i, LocalDate.class);
            case TIME -> (rs, i) -> rs.getObject(i, LocalTime.class);
            case TIMESTAMP -> (rs, i) -> rs.getObject(i, LocalDateTime.class);
            case TIMESTAMPTZ -> (rs, i) -> {
                OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                return v == null ? null : v.withOffsetSameInstant(ZoneOffset.UTC);
            };
            case BYTES -> (rs, i) -> rs.getBytes(i);
            case UUID -> (rs, i) -> switch (rs.getObject(i)) {
                case null -> null;
                case UUID u -> u;
                case Object other -> UUID.fromString(other.toString());
            };
        };
    }

    public static ColumnBinder binder(DataType type) {
        ColumnBinder nonNull = switch (type.kind()) {
            case BOOLEAN -> (ps, i, v) -> ps.setBoolean(i, (Boolean) v);
            case INT16 -> (ps, i, v) -> ps.setShort(i, (Short) v);
            case INT32 -> (ps, i, v) -> ps.setInt(i, (Integer) v);
            case INT64 -> (ps, i, v) -> ps.setLong(i, (Long) v);
            case FLOAT32 -> (ps, i, v) -> ps.setFloat(i, (Float) v);
            case FLOAT64 -> (ps, i, v) -> ps.setDouble(i, (Double) v);
            case DECIMAL -> (ps, i, v) -> ps.setBigDecimal(i, (BigDecimal) v);
            case STRING, JSON -> (ps, i, v) -> ps.setString(i, (String) v);
            case BYTES -> (ps, i, v) -> ps.setBytes(i, (byte[]) v);
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ, UUID -> PreparedStatement::setObject;
        };
        return nullSafe(nonNull);
    }

    /** Wraps a binder for non-null values so that null binds SQL NULL. */
    public static ColumnBinder nullSafe(ColumnBinder nonNull) {
        return (ps, i, v) -> {
            if (v == null) ps.setNull(i, Types.NULL);
            else nonNull.bind(ps, i, v);
        };
    }
}
