package io.tidemark.connector.duckdb;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.jdbc.ColumnBinder;
import io.tidemark.jdbc.ColumnReader;
import io.tidemark.jdbc.Dialect;
import io.tidemark.jdbc.NativeType;
import io.tidemark.jdbc.SqlErrors;
import io.tidemark.jdbc.SqlFailure;
import io.tidemark.jdbc.StandardValues;
import io.tidemark.jdbc.TableRebuild;
import io.tidemark.jdbc.ValueLimit;
import io.tidemark.jdbc.Widening;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DuckDB's types and errors. Every {@link DataType} has a native DuckDB type; the few DuckDB types without a
 * DataType of their own are read as text: nested types (lists, structs, maps, unions) as their JSON, the rest
 * (intervals, enums, bit strings, times with zone) as DuckDB prints them.
 *
 * @param fileName the database file's name, for the fix of file errors
 */
record DuckDbDialect(String fileName) implements Dialect {
    /** DuckDB's widest decimal. */
    static final int MAX_PRECISION = 38;
    /** Where an unbounded decimal (Postgres {@code numeric}) lands: 28 integer digits, 10 fraction digits. */
    static final DataType UNBOUNDED_DECIMAL = DataType.decimal(MAX_PRECISION, 10);

    private static final Set<String> TEXT_TYPES = Set.of("VARCHAR", "CHAR", "BPCHAR", "TEXT", "STRING");
    /**
     * Dates and timestamps are loaded as ISO text, which Java writes with a sign beyond year 9999 ({@code +10000-01-01})
     * and DuckDB then cannot parse; within these years both agree.
     */
    private static final int MAX_YEAR = 9999;

    @Override
    public String name() { return "duckdb"; }

    @Override
    public String typeName(DataType type) {
        DataType stored = storedType(type);
        return switch (stored.kind()) {
            case BOOLEAN -> "BOOLEAN";
            case INT16 -> "SMALLINT";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case DECIMAL -> "DECIMAL(" + stored.precision() + "," + stored.scale() + ")";
            case STRING -> "VARCHAR";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMPTZ -> "TIMESTAMPTZ";
            case BYTES -> "BLOB";
            case UUID -> "UUID";
            case JSON -> "JSON";
        };
    }

    /** DuckDB ignores VARCHAR lengths and caps decimals at 38 digits (keeping the scale where it can). */
    @Override
    public DataType storedType(DataType type) {
        return switch (type.kind()) {
            case STRING -> DataType.STRING;
            case DECIMAL -> type.precision() == 0 ? UNBOUNDED_DECIMAL
                    : type.precision() > MAX_PRECISION ? DataType.decimal(MAX_PRECISION, Math.min(type.scale(), MAX_PRECISION))
                    : type;
            default -> type;
        };
    }

    /** JSON is staged as text, so that a malformed document is found by a query rather than failing the load. */
    @Override
    public String stagingTypeName(DataType type) {
        return type.kind() == DataType.Kind.JSON ? "VARCHAR" : typeName(type);
    }

    @Override
    public Optional<ValueLimit> valueLimit(DataType type) {
        return switch (type.kind()) {
            case DATE -> years(v -> ((LocalDate) v).getYear());
            case TIMESTAMP -> years(v -> ((LocalDateTime) v).getYear());
            case TIMESTAMPTZ -> years(v -> ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC).getYear());
            default -> Optional.empty();
        };
    }

    private static Optional<ValueLimit> years(java.util.function.ToIntFunction<Object> year) {
        return Optional.of(new ValueLimit("within the years -" + MAX_YEAR + " to " + MAX_YEAR + " that Tidemark loads into DuckDB",
                v -> Math.abs(year.applyAsInt(v)) <= MAX_YEAR));
    }

    /**
     * DuckDB has no savepoints, and any failed statement aborts the whole transaction: changes are checked against the
     * table's rules first ({@link DuckDbCatalog#refusals}).
     */
    @Override
    public boolean savepoints() { return false; }

    @Override
    public DataType dataType(NativeType type) {
        String name = type.name();
        if (isNested(name)) return DataType.JSON;
        return switch (name) {
            case "BOOLEAN", "BOOL", "LOGICAL" -> DataType.BOOLEAN;
            case "TINYINT", "INT1", "UTINYINT", "SMALLINT", "INT2", "SHORT" -> DataType.INT16;
            case "USMALLINT", "INTEGER", "INT4", "INT", "SIGNED" -> DataType.INT32;
            case "UINTEGER", "BIGINT", "INT8", "LONG" -> DataType.INT64;
            case "UBIGINT" -> DataType.decimal(20, 0);
            case "HUGEINT", "INT128", "UHUGEINT", "UINT128" -> DataType.decimal(MAX_PRECISION, 0);
            case "FLOAT", "FLOAT4", "REAL" -> DataType.FLOAT32;
            case "DOUBLE", "FLOAT8" -> DataType.FLOAT64;
            // DuckDB reports the parameters of every decimal; (18,3) is its default when a DDL gave none.
            case "DECIMAL", "NUMERIC" -> type.precision() > 0 ? DataType.decimal(type.precision(), type.scale()) : DataType.decimal(18, 3);
            case "DATE" -> DataType.DATE;
            case "TIME" -> DataType.TIME;
            case "TIMESTAMP", "DATETIME", "TIMESTAMP_US", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP_NS" -> DataType.TIMESTAMP;
            case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> DataType.TIMESTAMPTZ;
            case "BLOB", "BYTEA", "BINARY", "VARBINARY" -> DataType.BYTES;
            case "UUID" -> DataType.UUID_TYPE;
            case "JSON" -> DataType.JSON;
            default -> DataType.STRING; // VARCHAR and friends, and the types read as their text (see selectExpression)
        };
    }

    /** Lists ({@code INTEGER[]}), fixed arrays ({@code INTEGER[3]}), structs, maps and unions. */
    private static boolean isNested(String name) {
        return name.contains("[") || name.startsWith("STRUCT") || name.startsWith("MAP") || name.startsWith("UNION");
    }

    @Override
    public String selectExpression(Column column) {
        String quoted = quote(column.name());
        if (column.nativeType() == null) return quoted;
        String name = NativeType.declared(column.nativeType()).name();
        if (isNested(name)) return "CAST(to_json(" + quoted + ") AS VARCHAR) AS " + quoted;
        if (column.type().kind() == DataType.Kind.STRING && !TEXT_TYPES.contains(name)) return "CAST(" + quoted + " AS VARCHAR) AS " + quoted;
        return quoted;
    }

    /**
     * DATE values cross the driver exactly only as its own {@link LocalDate}s ({@code getObject(i)}) and as ISO text: its
     * {@code getObject(i, LocalDate.class)} and {@code setObject(i, LocalDate)} go through {@code java.sql.Date}, which
     * drops the era of a BC date ({@code 44 BC} becomes {@code 0044-03-15} AD) and moves dates of the Julian calendar's
     * gap ({@code 1582-10-05} to {@code 1582-10-14}) ten days on. Timestamps are not affected.
     */
    @Override
    public ColumnReader reader(DataType type) {
        if (type.kind() != DataType.Kind.DATE) return Dialect.super.reader(type);
        return (rs, i) -> (LocalDate) rs.getObject(i);
    }

    /** See {@link #reader}: a date is bound as its ISO text, which DuckDB casts to the DATE it compares with. */
    @Override
    public ColumnBinder binder(DataType type) {
        if (type.kind() != DataType.Kind.DATE) return Dialect.super.binder(type);
        return StandardValues.nullSafe((ps, i, v) -> ps.setString(i, v.toString()));
    }

    @Override
    public boolean caseInsensitiveIdentifiers() { return true; }

    /**
     * {@code ALTER TABLE … SET DATA TYPE}, which DuckDB refuses for a column in a constraint other than NOT NULL (a
     * primary key, UNIQUE, CHECK, FOREIGN KEY) and for every column of a table with an index: such a table is rebuilt
     * instead, from the definition DuckDB keeps for it, with its indexes.
     */
    @Override
    public List<String> widen(Connection connection, StreamSchema table, List<Widening> widenings) throws SQLException {
        List<String[]> indexes = DuckDbCatalog.rows(connection, table, "SELECT sql FROM duckdb_indexes() WHERE database_name = "
                + "current_database() AND schema_name = ? AND table_name = ? AND sql IS NOT NULL ORDER BY index_name");
        Set<String> constrained = DuckDbCatalog.rows(connection, table, "SELECT DISTINCT lower(unnest(constraint_column_names)) FROM "
                        + "duckdb_constraints() WHERE database_name = current_database() AND schema_name = ? AND table_name = ? "
                        + "AND constraint_type <> 'NOT NULL'").stream().map(row -> row[0]).collect(Collectors.toSet());
        boolean alterable = indexes.isEmpty()
                && widenings.stream().noneMatch(w -> constrained.contains(w.column().name().toLowerCase(Locale.ROOT)));
        if (alterable) return Dialect.super.widen(connection, table, widenings);
        String definition = DuckDbCatalog.rows(connection, table, "SELECT sql FROM duckdb_tables() WHERE database_name = "
                + "current_database() AND schema_name = ? AND table_name = ?").getFirst()[0];
        return TableRebuild.statements(this, table, definition, indexes.stream().map(row -> row[0]).toList(), widenings);
    }

    /** A column store answers the dedup anti-join with a hash join; an ART index would only slow the appends. */
    @Override
    public Optional<String> appendDedupIndex(StreamId table, List<String> columns) { return Optional.empty(); }

    /**
     * DuckDB's JDBC driver reports no SQLSTATE; its messages start with the error class ({@code IO Error:},
     * {@code Constraint Error:}), which is stable and what this classifies by.
     */
    @Override
    public SqlFailure classify(SQLException e) {
        String m = SqlErrors.firstLine(e.getMessage()).toLowerCase(Locale.ROOT);
        if (SqlErrors.isDiskFull(m)) {
            return new SqlFailure(ErrorCode.DISK_FULL, "free disk space on the volume holding " + fileName
                    + " and the temporary folder, then run again");
        }
        if (m.contains("could not set lock") || m.contains("conflicting lock")) {
            return new SqlFailure(ErrorCode.IO_ERROR, "close other programs using " + fileName
                    + " (DuckDB lets one process at a time write a database file), then run again");
        }
        if (m.contains("not a valid duckdb database")) {
            return new SqlFailure(ErrorCode.CONFIG_INVALID, "point path at a DuckDB database file, or at a file that does not exist yet");
        }
        if (m.contains("permission denied") || m.contains("read-only") || m.contains("read only")) {
            return new SqlFailure(ErrorCode.PERMISSION_DENIED, "give this user write access to " + fileName + " and its folder");
        }
        if (m.startsWith("catalog error") && m.contains("table")) {
            return new SqlFailure(ErrorCode.TABLE_NOT_FOUND, "check the table name");
        }
        if (m.startsWith("binder error") && m.contains("column")) {
            return new SqlFailure(ErrorCode.COLUMN_NOT_FOUND, "check the column names");
        }
        if (m.startsWith("parser error") || m.startsWith("binder error") || m.startsWith("catalog error")) {
            return new SqlFailure(ErrorCode.CONFIG_INVALID, "fix the SQL of the model's query");
        }
        if (m.startsWith("constraint error")) {
            return new SqlFailure(ErrorCode.DESTINATION_REJECTED, "the rows break a constraint of the table (a NULL in a NOT NULL "
                    + "column, a CHECK, a value that must be unique, or a primary key value appearing twice in one full refresh); "
                    + "fix the data, the table's constraints or primary_key");
        }
        if (m.startsWith("conversion error") || m.startsWith("invalid input error") || m.startsWith("out of range error")) {
            return new SqlFailure(ErrorCode.DESTINATION_REJECTED, "a value does not fit its column's type; fix the data or the column type");
        }
        if (m.contains("out of memory")) {
            return new SqlFailure(ErrorCode.IO_ERROR, "lower the sync's batch_size or give DuckDB more memory (SET memory_limit), then run again");
        }
        if (m.contains("conflict")) {
            return new SqlFailure(ErrorCode.IO_ERROR, "another writer changed the same table at the same time; run again");
        }
        return new SqlFailure(ErrorCode.IO_ERROR, "check " + fileName + " and the DuckDB message, then run again");
    }
}
