package io.tidemark.connector.files;

import io.tidemark.api.DataType;
import io.tidemark.api.DataType.Kind;
import io.tidemark.api.Values;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Which column types can hold which, and moving a value between them. */
final class TypeRules {
    private TypeRules() {}

    /**
     * Whether a column of type {@code wide} holds every value of {@code narrow} exactly: integers widen to larger
     * integers and decimals with enough digits, float32 to float64, strings to longer strings, decimals to decimals
     * with at least as many integer and fraction digits. The canonical text of a {@code narrow} value then parses as a
     * {@code wide} value, which is what lets a rewrite read old rows under a widened type.
     */
    static boolean holds(DataType wide, DataType narrow) {
        if (wide.equals(narrow)) return true;
        return switch (wide.kind()) {
            case INT32 -> narrow.kind() == Kind.INT16;
            case INT64 -> narrow.kind() == Kind.INT16 || narrow.kind() == Kind.INT32;
            case FLOAT64 -> narrow.kind() == Kind.FLOAT32;
            case STRING -> narrow.kind() == Kind.STRING
                    && (wide.precision() == 0 || narrow.precision() != 0 && narrow.precision() <= wide.precision());
            case DECIMAL -> switch (narrow.kind()) {
                case INT16 -> hasDigits(wide, 5, 0);
                case INT32 -> hasDigits(wide, 10, 0);
                case INT64 -> hasDigits(wide, 19, 0);
                case DECIMAL -> wide.precision() == 0
                        || narrow.precision() != 0 && hasDigits(wide, narrow.precision() - narrow.scale(), narrow.scale());
                default -> false;
            };
            default -> false;
        };
    }

    private static boolean hasDigits(DataType decimal, int integerDigits, int fractionDigits) {
        return decimal.precision() == 0
                || decimal.scale() >= fractionDigits && decimal.precision() - decimal.scale() >= integerDigits;
    }

    /**
     * {@code value} as a column of {@code type} stores it: a decimal of declared precision takes the declared scale,
     * extra fraction digits rounded half away from zero, as SQL assignment to {@code numeric(p,s)} does. Every other
     * value is kept.
     */
    static Object stored(DataType type, Object value) {
        if (value instanceof BigDecimal decimal && type.precision() > 0 && decimal.scale() != type.scale()) {
            return decimal.setScale(type.scale(), RoundingMode.HALF_UP);
        }
        return value;
    }

    /**
     * Whether a {@linkplain #stored stored} non-null value fits the declared {@code type}: a decimal within its
     * precision's integer digits, a string within its maximum length (in characters). Other kinds have no bound
     * beyond their Java type.
     */
    static boolean fits(DataType type, Object value) {
        if (type.precision() == 0) return true;
        return switch (value) {
            case BigDecimal decimal -> decimal.precision() - decimal.scale() <= type.precision() - type.scale();
            case String text when type.kind() == Kind.STRING -> text.codePointCount(0, text.length()) <= type.precision();
            default -> true;
        };
    }

    /** {@code value} (of type {@code from}, or its text) as a value of {@code to}, through its canonical text. */
    static Object convert(DataType from, DataType to, Object value) {
        if (value == null || to.kind().javaType().isInstance(value)) return value;
        return Values.parse(to, value instanceof String text ? text : Values.format(from, value));
    }
}
