package io.tidemark.jdbc;

import java.util.Locale;
import java.util.Objects;

/**
 * A column type as the database spells it, split into its base name and parameters: {@code DECIMAL(12,2)} is
 * {@code DECIMAL} with precision 12 and scale 2. Drivers disagree on whether the parameters come inside the name or
 * in separate metadata fields; {@link #of} accepts both so that dialects map one shape.
 *
 * @param name      the base name in upper case, without parameters ({@code VARCHAR}, {@code TIMESTAMP WITH TIME ZONE})
 * @param jdbcType  the {@link java.sql.Types} code the driver reported, or {@link java.sql.Types#OTHER}
 * @param precision the first parameter (length or digits), 0 when absent
 * @param scale     the second parameter, 0 when absent
 * @param declared  the type exactly as declared, for messages and {@link io.tidemark.api.Column#nativeType()}
 */
public record NativeType(String name, int jdbcType, int precision, int scale, String declared) {
    public NativeType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(declared, "declared");
    }

    /**
     * Parses {@code declared} ({@code decimal(12, 2)}, {@code VARCHAR}); parameters found in the text win over the
     * {@code precision} and {@code scale} the driver reported separately.
     */
    public static NativeType of(String declared, int jdbcType, int precision, int scale) {
        String text = declared == null ? "" : declared.trim();
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return new NativeType(text.toUpperCase(Locale.ROOT), jdbcType, Math.max(precision, 0), Math.max(scale, 0), text);
        }
        String base = (text.substring(0, open) + text.substring(close + 1)).trim().toUpperCase(Locale.ROOT);
        String[] params = text.substring(open + 1, close).split(",");
        return new NativeType(base, jdbcType, parameter(params, 0), parameter(params, 1), text);
    }

    /** A type known only by its declaration, e.g. from a catalog that reports nothing else. */
    public static NativeType declared(String declared) {
        return of(declared, java.sql.Types.OTHER, 0, 0);
    }

    private static int parameter(String[] params, int index) {
        if (index >= params.length) return 0;
        try {
            return Math.max(Integer.parseInt(params[index].trim()), 0);
        } catch (NumberFormatException notANumber) {
            return 0; // e.g. VARCHAR(MAX): no usable bound
        }
    }
}
