package io.tidemark.connector.sqlite;

import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;
import io.tidemark.jdbc.ColumnBinder;
import io.tidemark.jdbc.ColumnReader;
import io.tidemark.jdbc.Dialect;
import io.tidemark.jdbc.NativeType;
import io.tidemark.jdbc.SqlErrors;
import io.tidemark.jdbc.SqlFailure;
import io.tidemark.jdbc.StandardValues;
import io.tidemark.jdbc.TableRebuild;
import io.tidemark.jdbc.Widening;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * SQLite's types. SQLite stores five storage classes whatever a column declares, and converts values by the
 * declared name's affinity; so columns are declared with names that both name the {@link DataType} exactly (read
 * back by {@link #dataType}) and give an affinity that keeps the value intact:
 * <ul>
 *   <li>decimals and JSON are text in {@code DECIMAL_TEXT(p,s)} / {@code JSON_TEXT} columns: a plain
 *   {@code DECIMAL(12,2)} has NUMERIC affinity, which turns {@code '12345678901234567890.5'} into a 15-digit float;</li>
 *   <li>int32 and float32 get their own names ({@code INT32}, {@code FLOAT32}) because SQLite's {@code INT} and
 *   {@code FLOAT} hold 64-bit values in every other tool's tables;</li>
 *   <li>temporals are ISO text ({@link SqliteText}), booleans 0/1, UUIDs text, NaN the text {@code NaN}
 *   (SQLite stores a NaN REAL as NULL).</li>
 * </ul>
 * Tables made by other tools are read by the same rules SQLite uses for affinity (see the README's mapping table).
 *
 * @param fileName the database file's name, for the fix of file errors
 */
record SqliteDialect(String fileName) implements Dialect {

    @Override
    public String name() { return "sqlite"; }

    @Override
    public String typeName(DataType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "BOOLEAN";
            case INT16 -> "SMALLINT";
            case INT32 -> "INT32";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT32";
            case FLOAT64 -> "DOUBLE";
            case DECIMAL -> type.precision() == 0 ? "DECIMAL_TEXT" : "DECIMAL_TEXT(" + type.precision() + "," + type.scale() + ")";
            case STRING -> type.precision() == 0 ? "TEXT" : "VARCHAR(" + type.precision() + ")";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMPTZ -> "TIMESTAMPTZ";
            case BYTES -> "BLOB";
            case UUID -> "UUID";
            case JSON -> "JSON_TEXT";
        };
    }

    @Override
    public DataType dataType(NativeType type) {
        String name = type.name();
        int p = type.precision();
        return switch (name) {
            case "BOOLEAN", "BOOL" -> DataType.BOOLEAN;
            case "SMALLINT", "INT2", "TINYINT" -> DataType.INT16;
            case "INT32", "INT4", "MEDIUMINT" -> DataType.INT32;
            case "FLOAT32" -> DataType.FLOAT32;
            case "DECIMAL_TEXT", "DECIMAL", "NUMERIC", "DEC", "NUMBER" -> p == 0 ? DataType.DECIMAL : DataType.decimal(p, type.scale());
            case "DATE" -> DataType.DATE;
            case "TIME" -> DataType.TIME;
            case "DATETIME", "TIMESTAMP" -> DataType.TIMESTAMP;
            case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "DATETIMETZ" -> DataType.TIMESTAMPTZ;
            case "UUID", "GUID" -> DataType.UUID_TYPE;
            case "JSON_TEXT", "JSON", "JSONB" -> DataType.JSON;
            case "", "NULL" -> DataType.STRING; // no declared type: any value, read as its text
            default -> byAffinity(name, p);
        };
    }

    /** SQLite's own affinity rules, in its order (https://sqlite.org/datatype3.html#determination_of_column_affinity). */
    private static DataType byAffinity(String name, int precision) {
        if (name.contains("INT")) return DataType.INT64;
        if (name.contains("CHAR") || name.contains("CLOB") || name.contains("TEXT")) return DataType.string(precision);
        if (name.contains("BLOB") || name.contains("BINARY") || name.equals("BYTEA")) return DataType.BYTES;
        if (name.contains("REAL") || name.contains("FLOA") || name.contains("DOUB")) return DataType.FLOAT64;
        return DataType.DECIMAL;
    }

    /**
     * SQLite does not enforce VARCHAR lengths, so a UUID or a JSON document fits any text column. A longer string
     * widens the column instead: its declared length is what a reader of the table takes it to hold.
     */
    @Override
    public boolean canHold(DataType column, DataType incoming) {
        if (column.kind() == DataType.Kind.STRING && (incoming.kind() == DataType.Kind.UUID || incoming.kind() == DataType.Kind.JSON)) {
            return true;
        }
        return Dialect.super.canHold(column, incoming);
    }

    /** SQLite does not enforce declared lengths: a text column another tool made takes any string, as it always did. */
    @Override
    public boolean storesWholeInForeignColumn(DataType column, DataType incoming) {
        return column.kind() == DataType.Kind.STRING && incoming.kind() == DataType.Kind.STRING;
    }

    /**
     * SQLite's ALTER TABLE cannot change a column's type, and the declared type is what a column is read by (an
     * {@code INT32} column's values as int32): the table is rebuilt from the definition SQLite keeps for it, with its
     * indexes and triggers.
     */
    @Override
    public List<String> widen(Connection connection, StreamSchema table, List<Widening> widenings) throws SQLException {
        String schema = quote(table.id().namespace()) + ".sqlite_schema";
        List<String> definition = strings(connection, "SELECT sql FROM " + schema + " WHERE type = 'table' AND name = ?", table.id().name());
        List<String> dependents = strings(connection, "SELECT sql FROM " + schema + " WHERE type IN ('index', 'trigger') AND tbl_name = ?"
                + " AND sql IS NOT NULL ORDER BY type, name", table.id().name());
        return TableRebuild.statements(this, table, definition.getFirst(), dependents, widenings);
    }

    private static List<String> strings(Connection connection, String sql, String parameter) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) values.add(rs.getString(1));
            }
        }
        return values;
    }

    /**
     * A decimal is text padded to its column's scale, one spelling per value (see {@link #binder}): a scale that grows
     * pads the values already there, integers included, so that each still equals the same value written anew, as a key
     * or in a dedup comparison. Text that is not a plain decimal (written by another tool) is left as it is.
     */
    @Override
    public String widenedValue(Widening widening) {
        String column = quote(widening.column().name());
        int scale = widening.type().scale();
        boolean samePadding = widening.from().kind() == DataType.Kind.DECIMAL && widening.from().scale() == scale;
        if (widening.type().kind() != DataType.Kind.DECIMAL || scale == 0 || samePadding) return column;
        String zeros = "'" + "0".repeat(scale) + "'";
        return "CASE WHEN typeof(" + column + ") = 'integer' OR typeof(" + column + ") = 'text' AND " + column + " GLOB '*[0-9]*' AND "
                + column + " NOT GLOB '*[^0-9.-]*' THEN CASE WHEN instr(" + column + ", '.') = 0 THEN " + column + " || '.' || " + zeros
                + " ELSE " + column + " || substr(" + zeros + ", 1, " + scale + " - length(" + column + ") + instr(" + column + ", '.')) END"
                + " ELSE " + column + " END";
    }

    /**
     * The rename runs in SQLite's legacy mode, which leaves views and triggers naming the target as they are: they name
     * the table that takes its place. The current mode would check them against the schema first, and fail on every
     * view of the target, which the drop left pointing at no table.
     */
    @Override
    public List<String> swap(StreamId target, StreamId shadow) {
        return List.of("DROP TABLE IF EXISTS " + qualified(target), "PRAGMA legacy_alter_table = ON",
                "ALTER TABLE " + qualified(shadow) + " RENAME TO " + quote(target.name()), "PRAGMA legacy_alter_table = OFF");
    }

    @Override
    public boolean caseInsensitiveIdentifiers() { return true; }

    @Override
    public Optional<String> createNamespace(String namespace) { return Optional.empty(); }

    /** SQLite qualifies the index, not the table: {@code CREATE INDEX main.i ON t (…)}. */
    @Override
    public Optional<String> appendDedupIndex(StreamId table, List<String> columns) {
        String index = quote("_tidemark_dedup_" + table.name());
        return Optional.of("CREATE INDEX IF NOT EXISTS " + (table.namespace() == null ? index : quote(table.namespace()) + "." + index)
                + " ON " + quote(table.name()) + " (" + columnList(columns) + ")");
    }

    /** One row is enough for SQLite to report the storage class of computed columns, which carry no declared type. */
    @Override
    public String describeQuery(String query) { return "SELECT * FROM (" + query + ") q LIMIT 1"; }

    // Values are read by storage class (getObject), never by JDBC getters that coerce silently: getLong on 'abc' is 0.
    @Override
    public ColumnReader reader(DataType type) {
        return switch (type.kind()) {
            case BOOLEAN -> (rs, i) -> switch (rs.getObject(i)) {
                case null -> null;
                case Number n -> n.doubleValue() != 0;
                case Object o -> Values.parse(type, o.toString());
            };
            case INT16 -> integer(type, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> integer(type, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> integer(type, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT32, FLOAT64 -> (rs, i) -> {
                Object v = rs.getObject(i);
                if (v == null) return null;
                double d = v instanceof Number n ? n.doubleValue() : (Double) Values.parse(DataType.FLOAT64, v.toString());
                return type.kind() == DataType.Kind.FLOAT32 ? (Object) (float) d : (Object) d;
            };
            case DECIMAL -> (rs, i) -> {
                String text = rs.getString(i);
                if (text == null) return null;
                BigDecimal value = (BigDecimal) Values.parse(type, text);
                // A REAL-stored value prints without trailing zeros: give it back its declared scale (never rounding).
                return value.scale() < type.scale() ? value.setScale(type.scale()) : value;
            };
            case STRING, JSON -> (rs, i) -> rs.getString(i);
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> (rs, i) -> {
                Object v = rs.getObject(i);
                if (v == null) return null;
                if (v instanceof String text) return Values.parse(type, text);
                throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "value " + v + " is a number, not an ISO-8601 "
                        + type + " text; store dates and times as text (e.g. 2026-01-31T12:00:00)");
            };
            case BYTES -> (rs, i) -> rs.getBytes(i);
            case UUID -> (rs, i) -> switch (rs.getObject(i)) {
                case null -> null;
                case byte[] b when b.length == 16 -> {
                    ByteBuffer buffer = ByteBuffer.wrap(b);
                    yield new UUID(buffer.getLong(), buffer.getLong());
                }
                case Object o -> Values.parse(type, o.toString());
            };
        };
    }

    private static ColumnReader integer(DataType type, long min, long max) {
        return (rs, i) -> {
            Object v = rs.getObject(i);
            if (v == null) return null;
            long value = switch (v) {
                case Integer n -> n;
                case Long n -> n;
                case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p63 -> d.longValue();
                case String s -> (Long) Values.parse(DataType.INT64, s);
                default -> throw notAnInteger(type, v);
            };
            if (value < min || value > max) {
                throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "value " + value + " does not fit " + type
                        + "; declare the column BIGINT (SQLite itself does not enforce the declared size)");
            }
            return switch (type.kind()) {
                case INT16 -> (short) value;
                case INT32 -> (int) value;
                default -> value;
            };
        };
    }

    private static TidemarkException notAnInteger(DataType type, Object v) {
        return new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "value " + Values.abbreviate(String.valueOf(v))
                + " is not a valid " + type);
    }

    @Override
    public ColumnBinder binder(DataType type) {
        ColumnBinder nonNull = switch (type.kind()) {
            case BOOLEAN -> (ps, i, v) -> ps.setInt(i, (Boolean) v ? 1 : 0);
            case INT16, INT32, INT64 -> (ps, i, v) -> ps.setLong(i, ((Number) v).longValue());
            case FLOAT32, FLOAT64 -> (ps, i, v) -> {
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d)) ps.setString(i, "NaN");
                else ps.setDouble(i, d);
            };
            case DECIMAL -> (ps, i, v) -> {
                BigDecimal value = (BigDecimal) v;
                // One spelling per value (12.5 and 12.50 are one key); padding only, RowChecks refused what needs rounding.
                ps.setString(i, (value.scale() < type.scale() ? value.setScale(type.scale()) : value).toPlainString());
            };
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> (ps, i, v) -> ps.setString(i, SqliteText.format(type, v));
            case STRING, JSON -> (ps, i, v) -> ps.setString(i, (String) v);
            case BYTES -> (ps, i, v) -> ps.setBytes(i, (byte[]) v);
            case UUID -> (ps, i, v) -> ps.setString(i, v.toString());
        };
        return StandardValues.nullSafe(nonNull);
    }

    @Override
    public SqlFailure classify(SQLException e) {
        if (!(e instanceof SQLiteException sqlite)) {
            return new SqlFailure(ErrorCode.IO_ERROR, "check " + fileName + " and the SQLite message, then run again");
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        int primary = sqlite.getResultCode().code & 0xff;
        if (primary == SQLiteErrorCode.SQLITE_FULL.code || SqlErrors.isDiskFull(m)) {
            return new SqlFailure(ErrorCode.DISK_FULL, "free disk space on the volume holding " + fileName + ", then run again");
        }
        if (primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
            return new SqlFailure(ErrorCode.CONFIG_INVALID, "point path at a SQLite database file, or at a file that does not exist yet");
        }
        if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
            return new SqlFailure(ErrorCode.IO_ERROR, "another program is writing " + fileName + "; let it finish or close it, then run again");
        }
        if (primary == SQLiteErrorCode.SQLITE_READONLY.code || primary == SQLiteErrorCode.SQLITE_PERM.code
                || primary == SQLiteErrorCode.SQLITE_AUTH.code) {
            return new SqlFailure(ErrorCode.PERMISSION_DENIED, "give this user write access to " + fileName + " and its folder");
        }
        if (primary == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
            return new SqlFailure(ErrorCode.CONFIG_INVALID, "check that the folder of " + fileName + " exists and is writable");
        }
        if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
            return new SqlFailure(ErrorCode.IO_ERROR, fileName + " is damaged; restore it from a backup");
        }
        if (primary == SQLiteErrorCode.SQLITE_CONSTRAINT.code) {
            return new SqlFailure(ErrorCode.DESTINATION_REJECTED, "the rows break a constraint of the table (a NULL in a NOT NULL "
                    + "column, a CHECK, a value that must be unique, or a primary key value appearing twice in one full refresh); "
                    + "fix the data, the table's constraints or primary_key");
        }
        if (primary == SQLiteErrorCode.SQLITE_TOOBIG.code || primary == SQLiteErrorCode.SQLITE_MISMATCH.code) {
            return new SqlFailure(ErrorCode.DESTINATION_REJECTED, "a value does not fit its column; fix the data or the column type");
        }
        if (primary == SQLiteErrorCode.SQLITE_ERROR.code) {
            if (m.contains("no such table")) return new SqlFailure(ErrorCode.TABLE_NOT_FOUND, "check the table name");
            if (m.contains("no such column")) return new SqlFailure(ErrorCode.COLUMN_NOT_FOUND, "check the column names");
            return new SqlFailure(ErrorCode.CONFIG_INVALID, "fix the SQL of the model's query");
        }
        return new SqlFailure(ErrorCode.IO_ERROR, "check " + fileName + " and the SQLite message, then run again");
    }
}
