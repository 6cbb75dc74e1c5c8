package io.tidemark.connector.sqlite;

import io.tidemark.api.DataType;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The text SQLite columns hold temporals as. One spelling per value, so that equal values are equal text (keys,
 * append dedup) and text order is time order (cursor windows compare in SQL): seconds always written, the fraction
 * only as long as needed, {@code T} between date and time, and timestamptz in UTC without an offset suffix (a
 * {@code Z} after a fraction of varying length would break the order; SQLite's own date functions read
 * suffix-less times as UTC too). Reading ({@link io.tidemark.api.Values#parse}) also accepts what other tools write:
 * a space instead of {@code T}, an explicit offset.
 */
final class SqliteText {
    private SqliteText() {}

    static String format(DataType type, Object value) {
        return switch (type.kind()) {
            case DATE -> value.toString();
            case TIME -> time(new StringBuilder(18), (LocalTime) value).toString();
            case TIMESTAMP -> timestamp((LocalDateTime) value);
            case TIMESTAMPTZ -> timestamp(((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
            default -> throw new IllegalArgumentException(type + " is not stored as temporal text");
        };
    }

    private static String timestamp(LocalDateTime t) {
        LocalDate date = t.toLocalDate();
        return time(new StringBuilder(29).append(date).append('T'), t.toLocalTime()).toString();
    }

    private static StringBuilder time(StringBuilder sb, LocalTime t) {
        twoDigits(sb, t.getHour()).append(':');
        twoDigits(sb, t.getMinute()).append(':');
        twoDigits(sb, t.getSecond());
        int nanos = t.getNano();
        if (nanos != 0) {
            String digits = Integer.toString(nanos);
            String fraction = "000000000".substring(digits.length()) + digits;
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') end--;
            sb.append('.').append(fraction, 0, end);
        }
        return sb;
    }

    private static StringBuilder twoDigits(StringBuilder sb, int value) {
        return (value < 10 ? sb.append('0') : sb).append(value);
    }
}
