package io.tidemark.api;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A connector-neutral column type. {@code precision} is the maximum length for {@link Kind#STRING} and the
 * number of digits for {@link Kind#DECIMAL}; {@code scale} the digits after the point. 0 means unbounded.
 */
public record DataType(Kind kind, int precision, int scale) {

    public enum Kind {
        BOOLEAN(Boolean.class), INT16(Short.class), INT32(Integer.class), INT64(Long.class),
        FLOAT32(Float.class), FLOAT64(Double.class), DECIMAL(BigDecimal.class),
        STRING(String.class), DATE(LocalDate.class), TIME(LocalTime.class),
        /** Timestamp without time zone. */
        TIMESTAMP(LocalDateTime.class),
        /** Timestamp with time zone; values are {@link OffsetDateTime} normalised to UTC. */
        TIMESTAMPTZ(OffsetDateTime.class),
        BYTES(byte[].class), UUID(java.util.UUID.class),
        /** JSON document carried as its text. */
        JSON(String.class);

        private final Class<?> javaType;

        Kind(Class<?> javaType) { this.javaType = javaType; }

        /** The Java class of a non-null value of this kind in a {@link RowBatch}. */
        public Class<?> javaType() { return javaType; }

        public boolean isNumeric() {
            return this == INT16 || this == INT32 || this == INT64 || this == FLOAT32 || this == FLOAT64 || this == DECIMAL;
        }

        public boolean isTemporal() {
            return this == DATE || this == TIME || this == TIMESTAMP || this == TIMESTAMPTZ;
        }
    }

    public static final DataType BOOLEAN = of(Kind.BOOLEAN);
    public static final DataType INT16 = of(Kind.INT16);
    public static final DataType INT32 = of(Kind.INT32);
    public static final DataType INT64 = of(Kind.INT64);
    public static final DataType FLOAT32 = of(Kind.FLOAT32);
    public static final DataType FLOAT64 = of(Kind.FLOAT64);
    public static final DataType DECIMAL = of(Kind.DECIMAL);
    public static final DataType STRING = of(Kind.STRING);
    public static final DataType DATE = of(Kind.DATE);
    public static final DataType TIME = of(Kind.TIME);
    public static final DataType TIMESTAMP = of(Kind.TIMESTAMP);
    public static final DataType TIMESTAMPTZ = of(Kind.TIMESTAMPTZ);
    public static final DataType BYTES = of(Kind.BYTES);
    public static final DataType UUID_TYPE = of(Kind.UUID);
    public static final DataType JSON = of(Kind.JSON);

    public DataType {
        Objects.requireNonNull(kind, "kind");
        if (precision < 0 || scale < 0) throw new IllegalArgumentException("precision and scale must be >= 0");
    }

    public static DataType of(Kind kind) { return new DataType(kind, 0, 0); }

    public static DataType string(int maxLength) { return new DataType(Kind.STRING, maxLength, 0); }

    public static DataType decimal(int precision, int scale) { return new DataType(Kind.DECIMAL, precision, scale); }

    @Override
    public String toString() {
        if (kind == Kind.STRING && precision > 0) return "string(" + precision + ")";
        if (kind == Kind.DECIMAL && precision > 0) return "decimal(" + precision + "," + scale + ")";
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether every value of this type is a value of {@code wider} with the same meaning, so that a destination column
     * of this type can be changed to {@code wider} in place without losing or altering anything: the safe widenings
     * of schema evolution. Integers widen to larger integers, to decimals with room for all their digits, and (up to
     * 32 bits) to {@code float64}; {@code float32} to {@code float64}; strings and decimals to longer or unbounded ones
     * (a decimal keeps its integer digits and scale); a timestamp without time zone to one with, its values read as
     * UTC. A type widens to itself.
     */
    public boolean widensTo(DataType wider) {
        if (equals(wider)) return true;
        return switch (kind) {
            case INT16 -> wider.kind == Kind.INT32 || wider.kind == Kind.INT64 || wider.kind == Kind.FLOAT32
                    || wider.kind == Kind.FLOAT64 || wider.holdsIntegerDigits(5);
            case INT32 -> wider.kind == Kind.INT64 || wider.kind == Kind.FLOAT64 || wider.holdsIntegerDigits(10);
            case INT64 -> wider.holdsIntegerDigits(19);
            case FLOAT32 -> wider.kind == Kind.FLOAT64;
            case STRING -> wider.kind == Kind.STRING && (wider.precision == 0 || precision > 0 && wider.precision >= precision);
            case DECIMAL -> wider.kind == Kind.DECIMAL && (wider.precision == 0
                    || precision > 0 && wider.scale >= scale && wider.precision - wider.scale >= precision - scale);
            case TIMESTAMP -> wider.kind == Kind.TIMESTAMPTZ;
            default -> false;
        };
    }

    /** A decimal with at least {@code digits} digits before the point (an unbounded one has any number). */
    private boolean holdsIntegerDigits(int digits) {
        return kind == Kind.DECIMAL && (precision == 0 || precision - scale >= digits);
    }

    /**
     * Whether {@code value} is a value of this decimal type as it is, without rounding: no more digits before the point
     * than the type holds, and no more after it (trailing zeros aside). Every value fits an unbounded decimal.
     */
    public boolean holdsExactly(BigDecimal value) {
        if (precision == 0) return true;
        int maxInteger = precision - scale;
        if (value.scale() <= scale && value.precision() - value.scale() <= maxInteger) return true;
        BigDecimal stripped = value.stripTrailingZeros();
        return Math.max(stripped.scale(), 0) <= scale && Math.max(stripped.precision() - stripped.scale(), 0) <= maxInteger;
    }

    /** Whether {@code value} is a legal value of this type (null is legal). */
    public boolean accepts(Object value) {
        return value == null || kind.javaType.isInstance(value);
    }
}
