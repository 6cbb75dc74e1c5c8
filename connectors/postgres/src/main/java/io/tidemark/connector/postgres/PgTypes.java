package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.DataType.Kind;
import io.tidemark.api.StreamSchema;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Mapping between Postgres types and Tidemark's {@link DataType}s. */
final class PgTypes {
    /** The {@link io.tidemark.api.StreamSchema#nativeDialect()} of schemas whose native types are Postgres types. */
    static final String DIALECT = "postgres";

    /**
     * Whether every column of {@code schema} carries a native Postgres type (a schema described by this connector):
     * then rows can move as binary COPY of those types without decoding.
     */
    static boolean isNative(StreamSchema schema) {
        return DIALECT.equals(schema.nativeDialect()) && schema.columns().stream().allMatch(c -> c.nativeType() != null);
    }

    /** Postgres' limits for typmods; larger declared sizes are created unbounded. */
    private static final int MAX_VARCHAR_LENGTH = 10_485_760;
    private static final int MAX_NUMERIC_PRECISION = 1000;
    /** Microseconds: the precision of a time type declared without one. */
    private static final int MAX_SECOND_DIGITS = 6;

    /** Type names (catalog spelling, SQL spelling and common aliases, without modifiers) with a binary codec. */
    private static final Map<String, PgWireType> WIRE_TYPES = Map.ofEntries(
            Map.entry("boolean", PgWireType.BOOL), Map.entry("bool", PgWireType.BOOL),
            Map.entry("smallint", PgWireType.INT2), Map.entry("int2", PgWireType.INT2),
            Map.entry("integer", PgWireType.INT4), Map.entry("int", PgWireType.INT4), Map.entry("int4", PgWireType.INT4),
            Map.entry("bigint", PgWireType.INT8), Map.entry("int8", PgWireType.INT8),
            Map.entry("real", PgWireType.FLOAT4), Map.entry("float4", PgWireType.FLOAT4),
            Map.entry("double precision", PgWireType.FLOAT8), Map.entry("float8", PgWireType.FLOAT8),
            Map.entry("numeric", PgWireType.NUMERIC), Map.entry("decimal", PgWireType.NUMERIC),
            Map.entry("text", PgWireType.TEXT), Map.entry("character varying", PgWireType.TEXT),
            Map.entry("varchar", PgWireType.TEXT), Map.entry("character", PgWireType.TEXT),
            Map.entry("char", PgWireType.TEXT), Map.entry("bpchar", PgWireType.TEXT),
            Map.entry("json", PgWireType.JSON), Map.entry("jsonb", PgWireType.JSONB),
            Map.entry("date", PgWireType.DATE),
            Map.entry("time", PgWireType.TIME), Map.entry("time without time zone", PgWireType.TIME),
            Map.entry("timestamp", PgWireType.TIMESTAMP), Map.entry("timestamp without time zone", PgWireType.TIMESTAMP),
            Map.entry("timestamptz", PgWireType.TIMESTAMPTZ), Map.entry("timestamp with time zone", PgWireType.TIMESTAMPTZ),
            Map.entry("bytea", PgWireType.BYTEA), Map.entry("uuid", PgWireType.UUID));

    private PgTypes() {}

    /**
     * The codec for a type name such as {@code character varying(32)} or {@code timestamp(3) with time zone};
     * empty for types carried as text (arrays, interval, inet, enums, …).
     */
    static Optional<PgWireType> wireType(String typeName) {
        return Optional.ofNullable(WIRE_TYPES.get(withoutModifiers(typeName)));
    }

    /** The Tidemark type of a column whose type has a codec, with length/precision from its typmod. */
    static DataType dataType(PgWireType wire, int typmod) {
        if (typmod < 4) return DataType.of(wire.kind());
        int mod = typmod - 4;
        return switch (wire) {
            case TEXT -> DataType.string(mod);
            case NUMERIC -> {
                int precision = mod >>> 16 & 0xFFFF;
                int scale = ((mod & 0x7FF) ^ 1024) - 1024; // 11-bit signed since Postgres 15
                yield scale < 0 ? DataType.DECIMAL : DataType.decimal(precision, scale);
            }
            default -> DataType.of(wire.kind());
        };
    }

    /** The Postgres type Tidemark creates for a {@link DataType} from another dialect. */
    static String sqlType(DataType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "boolean";
            case INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case DECIMAL -> type.precision() > 0 && type.precision() <= MAX_NUMERIC_PRECISION
                    ? "numeric(" + type.precision() + "," + type.scale() + ")" : "numeric";
            case STRING -> type.precision() > 0 && type.precision() <= MAX_VARCHAR_LENGTH ? "varchar(" + type.precision() + ")" : "text";
            case DATE -> "date";
            case TIME -> "time";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMPTZ -> "timestamptz";
            case BYTES -> "bytea";
            case UUID -> "uuid";
            case JSON -> "jsonb";
        };
    }

    /** The type a destination column gets: the source's own type when it is Postgres, else the mapped one. */
    static String targetType(Column column, boolean postgresDialect) {
        return postgresDialect && column.nativeType() != null ? column.nativeType() : sqlType(column.type());
    }

    /** Whether an existing column of type {@code existing} can store every value of {@code incoming}. */
    static boolean holds(DataType existing, DataType incoming) {
        Kind e = existing.kind();
        if (e == incoming.kind()) {
            return switch (e) {
                case STRING -> existing.precision() == 0 || incoming.precision() > 0 && incoming.precision() <= existing.precision();
                case DECIMAL -> existing.precision() == 0 || incoming.precision() > 0 && incoming.scale() <= existing.scale()
                        && incoming.precision() - incoming.scale() <= existing.precision() - existing.scale();
                default -> true;
            };
        }
        return switch (incoming.kind()) {
            case INT16 -> e == Kind.INT32 || e == Kind.INT64 || e == Kind.FLOAT32 || e == Kind.FLOAT64 || holdsIntegerDigits(existing, 5);
            case INT32 -> e == Kind.INT64 || e == Kind.FLOAT64 || holdsIntegerDigits(existing, 10);
            case INT64 -> holdsIntegerDigits(existing, 19);
            case FLOAT32 -> e == Kind.FLOAT64;
            default -> false;
        };
    }

    /** Whether a text type pads its values with blanks ({@code character(n)}): a cast to another text type drops them. */
    static boolean isBlankPadded(String typeName) {
        return switch (withoutModifiers(typeName)) {
            case "character", "char", "bpchar" -> true;
            default -> false;
        };
    }

    /** Fractional digits of a second a time type keeps: {@code timestamp(3) with time zone} 3; 6 when unmodified. */
    static int secondDigits(String typeName) {
        int open = typeName.indexOf('(');
        return open < 0 ? MAX_SECOND_DIGITS : Integer.parseInt(typeName.substring(open + 1, typeName.indexOf(')', open)).strip());
    }

    /** Kinds whose values grow with time or insertion order, offered as incremental cursors. */
    static boolean isCursorKind(Kind kind) {
        return kind == Kind.INT16 || kind == Kind.INT32 || kind == Kind.INT64 || kind == Kind.DECIMAL
                || kind == Kind.DATE || kind == Kind.TIMESTAMP || kind == Kind.TIMESTAMPTZ;
    }

    private static boolean holdsIntegerDigits(DataType existing, int digits) {
        return existing.kind() == Kind.DECIMAL && (existing.precision() == 0 || existing.precision() - existing.scale() >= digits);
    }

    /** {@code Timestamp(3)  With Time Zone} → {@code timestamp with time zone}. */
    private static String withoutModifiers(String typeName) {
        StringBuilder out = new StringBuilder(typeName.length());
        int depth = 0;
        for (int i = 0; i < typeName.length(); i++) {
            char c = typeName.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0) {
                boolean space = Character.isWhitespace(c);
                if (!space || out.length() > 0 && out.charAt(out.length() - 1) != ' ') out.append(space ? ' ' : c);
            }
        }
        return out.toString().strip().toLowerCase(Locale.ROOT);
    }
}
