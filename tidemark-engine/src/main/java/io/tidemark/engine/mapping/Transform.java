package io.tidemark.engine.mapping;

import io.tidemark.api.DataType;
import io.tidemark.api.Values;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a {@code field_mapping} entry does to the value it sends (see docs/transforms.md). Each transform is a pure
 * function of the values it reads; those that can meet a value they cannot handle throw {@link TransformException}.
 * Null in is null out, except for {@link Template} (a null column is empty text) and {@link Constant} (reads nothing).
 */
public sealed interface Transform permits Transform.Rename, Transform.Iso8601, Transform.ValueMap, Transform.Split,
        Transform.Constant, Transform.Template {

    /**
     * The type of the destination field(s) made from a model column of type {@code input}; {@code input} is null for
     * {@link Constant} and {@link Template}, which read no single column.
     */
    DataType outputType(DataType input);

    /** The transform's keys as the workspace writes them ({@code transform: iso8601, time_zone: Europe/Berlin}); empty for a rename. */
    String yaml();

    /** The value as it is, under the entry's field name: the column's own type. */
    record Rename() implements Transform {
        @Override public DataType outputType(DataType input) { return input; }

        @Override public String yaml() { return ""; }
    }

    /**
     * {@code transform: iso8601}: a point in time as ISO 8601 text with the offset of {@code zone}
     * ({@code 2024-01-02T04:04:05.678+01:00}; {@code Z} for UTC). Reads timestamps (without time zone: as local time
     * in {@code zone}), timestamps with time zone, dates (midnight in {@code zone}), epoch milliseconds (integer
     * columns) and text in the common forms ({@code 2024-01-02 03:04:05.678 UTC}, {@code 2024-01-02T03:04:05+02:00},
     * {@code 2024-01-02}, …); blank text is no time (null), like an empty cell. A local time that a daylight-saving
     * change skips moves forward by the gap; one it repeats takes the earlier offset.
     *
     * @param zone the time zone of the output and of inputs without one; normalised, so {@code UTC} and {@code Z} are equal
     */
    record Iso8601(ZoneId zone) implements Transform {
        /** The zone when {@code time_zone} is not given. */
        public static final ZoneId DEFAULT_ZONE = ZoneOffset.UTC;

        private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
        private static final Pattern TEXT = Pattern.compile("(\\d{4,9})-(\\d{1,2})-(\\d{1,2})"
                + "(?:[Tt ]+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?)?"
                + "\\s*([Zz]|[+-]\\d{2}(?::?\\d{2})?|[A-Za-z][A-Za-z0-9_+\\-/]*)?");

        public Iso8601 {
            zone = Objects.requireNonNull(zone, "zone").normalized();
        }

        @Override public DataType outputType(DataType input) { return DataType.STRING; }

        @Override public String yaml() {
            return "transform: iso8601" + (zone.equals(DEFAULT_ZONE) ? "" : ", time_zone: " + Yaml.scalar(zone.getId()));
        }

        /**
         * The value as ISO 8601 text in {@link #zone}; null for null and for blank text.
         *
         * @throws TransformException when the value is not a point in time this transform reads
         */
        public String format(Object value) throws TransformException {
            Instant instant = switch (value) {
                case null -> null;
                case LocalDateTime t -> t.atZone(zone).toInstant();
                case OffsetDateTime t -> t.toInstant();
                case Instant t -> t;
                case LocalDate d -> d.atStartOfDay(zone).toInstant();
                case Long millis -> Instant.ofEpochMilli(millis);
                case Integer millis -> Instant.ofEpochMilli(millis);
                case Short millis -> Instant.ofEpochMilli(millis);
                case String text -> Whitespace.isBlank(text) ? null : parse(text);
                default -> throw unreadable(value);
            };
            return instant == null ? null : text(instant.atZone(zone).toOffsetDateTime());
        }

        private Instant parse(String text) throws TransformException {
            Matcher m = TEXT.matcher(Whitespace.strip(text));
            if (!m.matches()) throw unreadable(text);
            try {
                String fraction = m.group(7) == null ? "0" : (m.group(7) + "00000000").substring(0, 9);
                LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        number(m.group(4)), number(m.group(5)), number(m.group(6)), Integer.parseInt(fraction));
                String zoneText = m.group(8);
                ZoneId in = zoneText == null ? zone
                        : zoneText.equalsIgnoreCase("z") ? ZoneOffset.UTC
                        : zoneText.startsWith("+") || zoneText.startsWith("-") ? ZoneOffset.of(zoneText)
                        : ZoneId.of(zoneText);
                return local.atZone(in).toInstant();
            } catch (DateTimeException e) {
                // Matched the shape but not the calendar or a zone: 2024-02-30, 25:00, Mars/Olympus.
                throw unreadable(text);
            }
        }

        private static int number(String digits) { return digits == null ? 0 : Integer.parseInt(digits); }

        private static TransformException unreadable(Object value) {
            return new TransformException(switch (value) {
                case String s -> "cannot read \"" + Values.abbreviate(s) + "\" as a timestamp";
                case Number n -> "cannot read " + n + " as a timestamp (epoch milliseconds come from integer columns)";
                default -> "cannot read a " + value.getClass().getSimpleName() + " value as a timestamp";
            });
        }

        /** ISO 8601 with milliseconds (microseconds or nanoseconds when the value has them) and the offset. */
        static String text(OffsetDateTime t) {
            StringBuilder out = new StringBuilder(32).append(SECONDS.format(t)).append('.');
            int nano = t.getNano();
            if (nano % 1_000_000 == 0) digits(out, nano / 1_000_000, 3);
            else if (nano % 1_000 == 0) digits(out, nano / 1_000, 6);
            else digits(out, nano, 9);
            return out.append(t.getOffset().getId()).toString();
        }

        /** {@code value} with leading zeros to {@code width} digits (String.format is slow for a per-row path). */
        private static void digits(StringBuilder out, int value, int width) {
            String text = Integer.toString(value);
            out.repeat('0', width - text.length()).append(text);
        }
    }

    /**
     * {@code map}: the value's text looked up in {@code values}; what a value not in it becomes is {@code unmapped}.
     *
     * @param values text → text, in the order given; a null target maps the value to null
     */
    record ValueMap(Map<String, String> values, Unmapped unmapped) implements Transform {
        /** What {@code map} does with a value it does not list. */
        public enum Unmapped {
            /** Sent as it is (as text). */
            KEEP,
            /** Sent as null. */
            NULL,
            /** The row is rejected. */
            REJECT;

            public String configName() { return name().toLowerCase(Locale.ROOT); }
        }

        public ValueMap {
            // Null targets are allowed (map a value to null), so not Map.copyOf.
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
            Objects.requireNonNull(unmapped, "unmapped");
        }

        @Override public DataType outputType(DataType input) { return DataType.STRING; }

        @Override public String yaml() {
            return "map: " + values.entrySet().stream().map(e -> Yaml.scalar(e.getKey()) + ": " + Yaml.scalar(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}")) + (unmapped == Unmapped.KEEP ? "" : ", unmapped: " + unmapped.configName());
        }

        /**
         * The mapped text; null for null.
         *
         * @throws TransformException for a value not in the map when {@link #unmapped} is {@link Unmapped#REJECT}
         */
        public String apply(String text) throws TransformException {
            if (text == null) return null;
            if (values.containsKey(text)) return values.get(text);
            return switch (unmapped) {
                case KEEP -> text;
                case NULL -> null;
                case REJECT -> throw new TransformException("value \"" + Values.abbreviate(text)
                        + "\" is not in map; add it to map, or set unmapped to keep or null");
            };
        }
    }

    /** {@code split}: one text value into several fields (the entry's {@code fields}, in order); never fails. */
    sealed interface Split extends Transform permits Split.NameVersion, Split.Separator {
        @Override default DataType outputType(DataType input) { return DataType.STRING; }

        /** {@code text} in {@code count} parts; missing parts (and all parts of null) are null. */
        String[] apply(String text, int count);

        /**
         * {@code split: name_version}: a product and its version, {@code Mac OS X 10.15} → {@code Mac OS X},
         * {@code 10.15}. The version runs from the first whitespace-separated token that starts with a digit to the
         * end; the name is the text before it. No such token: all of it is the name and the version is null; blank
         * text (or a version with nothing before it) gives null parts.
         */
        record NameVersion() implements Split {
            @Override public String yaml() { return "split: name_version"; }

            @Override public String[] apply(String text, int count) {
                String[] parts = new String[count];
                if (text == null || Whitespace.isBlank(text)) return parts;
                int version = versionStart(text);
                parts[0] = emptyToNull(Whitespace.strip(version < 0 ? text : text.substring(0, version)));
                if (count > 1 && version >= 0) parts[1] = Whitespace.strip(text.substring(version));
                return parts;
            }

            /** Where the first token that starts with a digit starts, or -1. */
            private static int versionStart(String text) {
                boolean atTokenStart = true;
                for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
                    int c = text.codePointAt(i);
                    if (Whitespace.isSpace(c)) {
                        atTokenStart = true;
                    } else {
                        if (atTokenStart && Character.isDigit(c)) return i;
                        atTokenStart = false;
                    }
                }
                return -1;
            }

            private static String emptyToNull(String s) { return s.isEmpty() ? null : s; }
        }

        /**
         * {@code split: separator}: at each {@code separator}, into at most as many parts as there are fields (the
         * last part keeps the rest, separators included); parts are not trimmed.
         */
        record Separator(String separator) implements Split {
            public Separator {
                if (separator == null || separator.isEmpty()) throw new IllegalArgumentException("a separator is at least one character");
            }

            @Override public String yaml() { return "split: separator, separator: " + Yaml.scalar(separator); }

            @Override public String[] apply(String text, int count) {
                String[] parts = new String[count];
                if (text == null) return parts;
                int from = 0;
                for (int i = 0; i < count - 1; i++) {
                    int at = text.indexOf(separator, from);
                    if (at < 0) break;
                    parts[i] = text.substring(from, at);
                    from = at + separator.length();
                    parts[i + 1] = text.substring(from);
                }
                if (parts[0] == null) parts[0] = text;
                return parts;
            }
        }
    }

    /**
     * {@code constant}: the same value in every record.
     *
     * @param value a {@link String}, {@link Long}, {@link Double} or {@link Boolean}: the destination type follows from it
     */
    record Constant(Object value) implements Transform {
        public Constant {
            if (!(value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean)) {
                throw new IllegalArgumentException("a constant is text, a whole number, a number or a boolean, not " + value);
            }
        }

        @Override public DataType outputType(DataType input) {
            return switch (value) {
                case Long l -> DataType.INT64;
                case Double d -> DataType.FLOAT64;
                case Boolean b -> DataType.BOOLEAN;
                default -> DataType.STRING;
            };
        }

        @Override public String yaml() { return "constant: " + Yaml.scalar(value); }
    }

    /**
     * {@code template}: text with {@code {{column}}} replaced by that model column's value as text (its canonical form,
     * as in files and checkpoints; null as empty text).
     *
     * @param text the template as written; {@code {{ column }}} may have spaces inside the braces
     * @throws IllegalArgumentException when a {@code {{} is not closed or names no column
     */
    record Template(String text) implements Transform {
        /** A piece of a template: literal text, or the column whose value goes there. */
        public sealed interface Segment permits Literal, Ref {}

        public record Literal(String text) implements Segment {}

        public record Ref(String column) implements Segment {}

        public Template {
            parse(Objects.requireNonNull(text, "text"));
        }

        @Override public DataType outputType(DataType input) { return DataType.STRING; }

        @Override public String yaml() { return "template: " + Yaml.scalar(text); }

        /** The template's pieces, in order. */
        public List<Segment> segments() { return parse(text); }

        /** The model columns the template reads, in first-use order. */
        public Set<String> columns() {
            Set<String> columns = new LinkedHashSet<>();
            for (Segment s : segments()) if (s instanceof Ref(String column)) columns.add(column);
            return columns;
        }

        private static List<Segment> parse(String text) {
            List<Segment> out = new ArrayList<>();
            int from = 0;
            while (from < text.length()) {
                int open = text.indexOf("{{", from);
                if (open < 0) {
                    out.add(new Literal(text.substring(from)));
                    break;
                }
                if (open > from) out.add(new Literal(text.substring(from, open)));
                int close = text.indexOf("}}", open + 2);
                if (close < 0) throw new IllegalArgumentException("\"{{\" at character " + (open + 1) + " is not closed with \"}}\"");
                String column = Whitespace.strip(text.substring(open + 2, close));
                if (column.isEmpty()) throw new IllegalArgumentException("\"{{}}\" at character " + (open + 1) + " names no column");
                out.add(new Ref(column));
                from = close + 2;
            }
            return out;
        }
    }
}
