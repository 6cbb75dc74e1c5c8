package io.tidemark.jdbc;

import io.tidemark.api.DataType;
import io.tidemark.api.DataType.Kind;

import java.math.BigDecimal;

/**
 * Whether an existing column can take values of another type without losing anything: the same type, or a safe
 * widening (int16 → int32 → int64 → a decimal with enough integer digits, float32 → float64, a longer string,
 * a wider decimal). Everything else would corrupt data or fail mid-load, so the writer refuses it up front.
 */
public final class TypeCompatibility {
    private TypeCompatibility() {}

    public static boolean canHold(DataType column, DataType incoming) {
        if (column.equals(incoming)) return true;
        Kind c = column.kind();
        Kind v = incoming.kind();
        return switch (c) {
            case STRING -> (v == Kind.STRING || v == Kind.JSON || v == Kind.UUID) && lengthFits(column, incoming);
            case INT32 -> v == Kind.INT16;
            case INT64 -> v == Kind.INT16 || v == Kind.INT32;
            case FLOAT64 -> v == Kind.FLOAT32 || v == Kind.INT16 || v == Kind.INT32;
            case DECIMAL -> decimalFits(column, incoming);
            default -> c == v;
        };
    }

    /**
     * {@code value}, of a type that {@link #canHold} lets {@code column} take, as the Java type of the column's kind:
     * an int32 for an int64 column becomes a {@code Long}, a UUID for a text column its text.
     */
    public static Object widen(DataType column, Object value) {
        if (value == null || column.kind().javaType().isInstance(value)) return value;
        return switch (column.kind()) {
            case INT32 -> ((Number) value).intValue();
            case INT64 -> ((Number) value).longValue();
            case FLOAT64 -> ((Number) value).doubleValue();
            case DECIMAL -> BigDecimal.valueOf(((Number) value).longValue());
            case STRING -> value.toString();
            default -> value;
        };
    }

    private static boolean lengthFits(DataType column, DataType incoming) {
        if (column.precision() == 0) return true;
        return incoming.kind() == Kind.STRING && incoming.precision() > 0 && incoming.precision() <= column.precision();
    }

    private static boolean decimalFits(DataType column, DataType incoming) {
        int integerDigits = switch (incoming.kind()) {
            case INT16 -> 5;
            case INT32 -> 10;
            case INT64 -> 19;
            case DECIMAL -> incoming.precision() == 0 ? -1 : incoming.precision() - incoming.scale();
            default -> -2;
        };
        if (integerDigits == -2) return false;
        if (column.precision() == 0) return true;
        if (integerDigits == -1) return false;
        return column.precision() - column.scale() >= integerDigits && column.scale() >= incoming.scale();
    }
}
