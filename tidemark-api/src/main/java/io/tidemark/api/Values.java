package io.tidemark.api;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * The canonical text form of values, shared by checkpoints, text file formats and messages, so that a value
 * written by one part of Tidemark is read back identically by another: ISO 8601 for temporals
 * (timestamptz always in UTC with {@code Z}), plain decimal notation for numbers, base64 for bytes.
 */
public final class Values {
    private Values() {}

    /** Canonical text of a non-null value of {@code type}. */
    public static String format(DataType type, Object value) {
        if (value == null) throw new IllegalArgumentException("null has no canonical text");
        return switch (type.kind()) {
            case DECIMAL -> ((BigDecimal) value).toPlainString();
            case TIMESTAMPTZ -> ((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toString();
            case BYTES -> Base64.getEncoder().encodeToString((byte[]) value);
            default -> value.toString();
        };
    }

    /**
     * Parses canonical text (and the common variants a CSV file or a user may hold: a space instead of {@code T},
     * timestamps without offset read as UTC for timestamptz).
     *
     * @throws TidemarkException {@link ErrorCode#SOURCE_DATA_INVALID} naming the value and the type
     */
    public static Object parse(DataType type, String text) {
        if (text == null) return null;
        try {
            return switch (type.kind()) {
                case BOOLEAN -> parseBoolean(text);
                case INT16 -> Short.parseShort(text.trim());
                case INT32 -> Integer.parseInt(text.trim());
                case INT64 -> Long.parseLong(text.trim());
                case FLOAT32 -> Float.parseFloat(text.trim());
                case FLOAT64 -> Double.parseDouble(text.trim());
                case DECIMAL -> new BigDecimal(text.trim());
                case STRING, JSON -> text;
                case DATE -> LocalDate.parse(text.trim());
                case TIME -> LocalTime.parse(text.trim());
                case TIMESTAMP -> LocalDateTime.parse(text.trim().replace(' ', 'T'));
                case TIMESTAMPTZ -> parseTimestampTz(text.trim().replace(' ', 'T'));
                case BYTES -> Base64.getDecoder().decode(text.trim());
                case UUID -> UUID.fromString(text.trim());
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID,
                    "value \"" + abbreviate(text) + "\" is not a valid " + type, e);
        }
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "t", "1", "yes" -> Boolean.TRUE;
            case "false", "f", "0", "no" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static OffsetDateTime parseTimestampTz(String text) {
        try {
            return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException noOffset) {
            return LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
        }
    }

    /** Orders two non-null values of one type, as the cursor comparison of the source would. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object a, Object b) {
        if (a instanceof OffsetDateTime x && b instanceof OffsetDateTime y) return x.toInstant().compareTo(y.toInstant());
        if (a instanceof byte[] x && b instanceof byte[] y) return java.util.Arrays.compare(x, y);
        return ((Comparable) a).compareTo(b);
    }

    /** Shortens long values for messages. */
    public static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
