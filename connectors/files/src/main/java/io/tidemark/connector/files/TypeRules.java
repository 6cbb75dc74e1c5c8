package io.tidemark.connector.files;

import io.tidemark.api.DataType;
import io.tidemark.api.DataType.Kind;
import io.tidemark.api.Values;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Storing a value in a column of a declared type, and moving it between types. Which types a column may widen to is
 * {@link DataType#widensTo}: the canonical text of a narrower value parses as a value of the wider type with the same
 * meaning (a timestamp without zone as UTC), which is what lets a rewrite read old rows under a widened type.
 */
final class TypeRules {
    private TypeRules() {}

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
