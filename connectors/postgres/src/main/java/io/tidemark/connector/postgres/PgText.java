package io.tidemark.connector.postgres;

import io.tidemark.api.DataType.Kind;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Parses Postgres' text output of a value (as the change log carries it) into exactly the Java value that
 * {@link PgWireType} decodes from the binary form of the same stored value. The text is the one a session with
 * {@code DateStyle=ISO}, {@code bytea_output=hex} and {@code extra_float_digits >= 1} produces; the change stream sets
 * those. Types without a codec are carried as the text of their {@code ::text} cast, which for all but the few types
 * with their own cast to text is the output function's text.
 */
enum PgText {
    BOOL {
        @Override Object parse(byte[] b, int off, int len) { return b[off] == 't'; }
    },
    INT2 {
        @Override Object parse(byte[] b, int off, int len) { return (short) integer(b, off, len); }
    },
    INT4 {
        @Override Object parse(byte[] b, int off, int len) { return (int) integer(b, off, len); }
    },
    INT8 {
        @Override Object parse(byte[] b, int off, int len) { return integer(b, off, len); }
    },
    /** {@code NaN}, {@code Infinity} and {@code -Infinity} are spelled as Java spells them. */
    FLOAT4 {
        @Override Object parse(byte[] b, int off, int len) { return Float.parseFloat(ascii(b, off, len)); }
    },
    FLOAT8 {
        @Override Object parse(byte[] b, int off, int len) { return Double.parseDouble(ascii(b, off, len)); }
    },
    /** The text has exactly dscale decimals, so the scale matches the binary decoder's. */
    NUMERIC {
        @Override Object parse(byte[] b, int off, int len) {
            String text = ascii(b, off, len);
            char first = text.charAt(0);
            if (first == 'N' || first == 'I' || first == '-' && text.length() > 1 && text.charAt(1) == 'I') {
                throw PgNumeric.notADecimal(text.equals("NaN") ? "NaN" : "Infinity");
            }
            return new BigDecimal(text);
        }
    },
    TEXT {
        @Override Object parse(byte[] b, int off, int len) { return new String(b, off, len, StandardCharsets.UTF_8); }
    },
    /** {@code character(n)}: its cast to text, which the snapshot reads, drops the trailing blanks the output keeps. */
    BPCHAR {
        @Override Object parse(byte[] b, int off, int len) {
            int end = off + len;
            while (end > off && b[end - 1] == ' ') end--;
            return new String(b, off, end - off, StandardCharsets.UTF_8);
        }
    },
    /** {@code inet}/{@code cidr}: the cast to text always shows the netmask, the output omits a host's full one. */
    INET {
        @Override Object parse(byte[] b, int off, int len) {
            String text = new String(b, off, len, StandardCharsets.US_ASCII);
            return text.indexOf('/') >= 0 ? text : text + (text.indexOf(':') >= 0 ? "/128" : "/32");
        }
    },
    /** {@code 2026-03-01}, {@code 0044-03-15 BC}, {@code ±infinity}. */
    DATE {
        @Override Object parse(byte[] b, int off, int len) {
            if (isInfinity(b, off, len)) return b[off] == '-' ? LocalDate.MIN : LocalDate.MAX;
            Cursor c = new Cursor(b, off, len);
            LocalDate date = c.date();
            c.expectEnd();
            return date;
        }
    },
    /** {@code 24:00:00} is carried as {@link LocalTime#MAX}, as the binary decoder does. */
    TIME {
        @Override Object parse(byte[] b, int off, int len) {
            Cursor c = new Cursor(b, off, len);
            long nanos = c.timeOfDayNanos();
            c.expectEnd();
            return nanos == NANOS_PER_DAY ? LocalTime.MAX : LocalTime.ofNanoOfDay(nanos);
        }
    },
    TIMESTAMP {
        @Override Object parse(byte[] b, int off, int len) {
            if (isInfinity(b, off, len)) return b[off] == '-' ? LocalDateTime.MIN : LocalDateTime.MAX;
            Cursor c = new Cursor(b, off, len);
            LocalDateTime value = c.timestamp();
            c.expectEnd();
            return value;
        }
    },
    /** {@code 1999-12-31 23:59:59.5-08}, offsets to the second ({@code +05:53:28}), normalised to UTC. */
    TIMESTAMPTZ {
        @Override Object parse(byte[] b, int off, int len) {
            if (isInfinity(b, off, len)) return b[off] == '-' ? PgWireType.TIMESTAMPTZ_MINUS_INFINITY : PgWireType.TIMESTAMPTZ_INFINITY;
            Cursor c = new Cursor(b, off, len);
            LocalDateTime local = c.timestamp();
            int offsetSeconds = c.offsetSeconds();
            c.expectEnd();
            return local.minusSeconds(offsetSeconds).atOffset(ZoneOffset.UTC);
        }
    },
    /** {@code \x00ff10}. */
    BYTEA {
        @Override Object parse(byte[] b, int off, int len) {
            if (len < 2 || b[off] != '\\' || b[off + 1] != 'x') throw invalid(this, b, off, len);
            byte[] out = new byte[(len - 2) / 2];
            for (int i = 0, p = off + 2; i < out.length; i++, p += 2) out[i] = (byte) (hex(b[p]) << 4 | hex(b[p + 1]));
            return out;
        }
    },
    UUID {
        @Override Object parse(byte[] b, int off, int len) { return java.util.UUID.fromString(ascii(b, off, len)); }
    };

    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    /** The value of a non-null field's {@code len} bytes at {@code off}. */
    abstract Object parse(byte[] b, int off, int len);

    /** Parses with the column named in errors. */
    Object parse(byte[] b, int off, int len, String column) {
        try {
            return parse(b, off, len);
        } catch (TidemarkException e) {
            throw e.withContext("column \"" + column + "\": ");
        } catch (RuntimeException e) {
            throw invalid(this, b, off, len).withContext("column \"" + column + "\": ");
        }
    }

    /**
     * The parser for a column of {@code kind} whose type is {@code actualType} (the base type as {@code format_type}
     * spells it, with modifiers), matching what the snapshot reader decodes for that column.
     */
    static PgText forColumn(Kind kind, String actualType) {
        return switch (kind) {
            case BOOLEAN -> BOOL;
            case INT16 -> INT2;
            case INT32 -> INT4;
            case INT64 -> INT8;
            case FLOAT32 -> FLOAT4;
            case FLOAT64 -> FLOAT8;
            case DECIMAL -> NUMERIC;
            case STRING -> actualType.equals("bpchar") || actualType.equals("character") || actualType.startsWith("character(") ? BPCHAR
                    : actualType.equals("inet") || actualType.equals("cidr") ? INET : TEXT;
            case JSON -> TEXT;
            case DATE -> DATE;
            case TIME -> TIME;
            case TIMESTAMP -> TIMESTAMP;
            case TIMESTAMPTZ -> TIMESTAMPTZ;
            case BYTES -> BYTEA;
            case UUID -> UUID;
        };
    }

    private static long integer(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        boolean negative = b[p] == '-';
        if (negative) p++;
        if (p == end) throw new NumberFormatException();
        long value = 0;
        for (; p < end; p++) {
            int digit = b[p] - '0';
            if (digit < 0 || digit > 9) throw new NumberFormatException();
            value = value * 10 - digit; // accumulates negatively so that Long.MIN_VALUE fits
        }
        return negative ? value : -value;
    }

    private static boolean isInfinity(byte[] b, int off, int len) {
        return len >= 8 && (b[off] == 'i' || b[off] == '-' && b[off + 1] == 'i');
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw new NumberFormatException();
    }

    private static String ascii(byte[] b, int off, int len) { return new String(b, off, len, StandardCharsets.US_ASCII); }

    private static TidemarkException invalid(PgText type, byte[] b, int off, int len) {
        String text = new String(b, off, Math.min(len, 100), StandardCharsets.UTF_8);
        return new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "cannot read \"" + text + "\" from the change log as "
                + type.name().toLowerCase(java.util.Locale.ROOT) + "; report this as a Tidemark bug with the value");
    }

    /** Reads ISO dates and times ({@code DateStyle=ISO}) left to right; malformed text fails with a runtime exception. */
    private static final class Cursor {
        private final byte[] b;
        private final int end;
        private int p;
        /** Set when the text ends in {@code BC}: the year then counts back from 1 BC = ISO year 0. */
        private final boolean bc;

        Cursor(byte[] b, int off, int len) {
            this.b = b;
            this.p = off;
            this.bc = len > 3 && b[off + len - 1] == 'C' && b[off + len - 2] == 'B' && b[off + len - 3] == ' ';
            this.end = bc ? off + len - 3 : off + len;
        }

        LocalDate date() {
            int year = number();
            expect('-');
            int month = number();
            expect('-');
            int day = number();
            return LocalDate.of(bc ? 1 - year : year, month, day);
        }

        LocalDateTime timestamp() {
            LocalDate date = date();
            expect(' ');
            return date.atStartOfDay().plusNanos(timeOfDayNanos());
        }

        /** {@code hh:mm:ss[.ffffff]} as nanoseconds of the day (24:00:00 allowed). */
        long timeOfDayNanos() {
            long hours = number();
            expect(':');
            long minutes = number();
            expect(':');
            long seconds = number();
            long nanos = 0;
            if (p < end && b[p] == '.') {
                p++;
                long scale = 100_000_000L;
                for (; p < end && b[p] >= '0' && b[p] <= '9'; p++, scale /= 10) nanos += (b[p] - '0') * scale;
            }
            return ((hours * 60 + minutes) * 60 + seconds) * 1_000_000_000L + nanos;
        }

        /** {@code ±hh[:mm[:ss]]}. */
        int offsetSeconds() {
            int sign = b[p] == '-' ? -1 : 1;
            if (b[p] != '-' && b[p] != '+') throw new IllegalArgumentException();
            p++;
            int seconds = number() * 3600;
            if (p < end && b[p] == ':') {
                p++;
                seconds += number() * 60;
                if (p < end && b[p] == ':') {
                    p++;
                    seconds += number();
                }
            }
            return sign * seconds;
        }

        void expectEnd() {
            if (p != end) throw new IllegalArgumentException();
        }

        private void expect(char c) {
            if (p >= end || b[p] != c) throw new IllegalArgumentException();
            p++;
        }

        private int number() {
            int start = p;
            int value = 0;
            for (; p < end && b[p] >= '0' && b[p] <= '9'; p++) value = value * 10 + b[p] - '0';
            if (p == start) throw new IllegalArgumentException();
            return value;
        }
    }
}
