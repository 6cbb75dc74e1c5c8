package io.tidemark.connector.postgres;

import io.tidemark.api.DataType;
import io.tidemark.api.DataType.Kind;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * The Postgres types Tidemark reads and writes in binary COPY format, each with its codec. Values are the
 * {@link Kind#javaType()} of the type's kind. Postgres' {@code ±infinity} dates and timestamps map to the
 * {@code MIN}/{@code MAX} constants of the Java type, both ways, so that they survive a round trip.
 */
enum PgWireType {
    BOOL("boolean", Kind.BOOLEAN) {
        @Override Object decode(byte[] b, int off, int len) { return b[off] != 0; }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            out.int32(1);
            out.int8((Boolean) v ? 1 : 0);
        }
    },
    INT2("smallint", Kind.INT16) {
        @Override Object decode(byte[] b, int off, int len) { return (short) SHORT.get(b, off); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            out.int32(2);
            out.int16((Short) v);
        }
    },
    INT4("integer", Kind.INT32) {
        @Override Object decode(byte[] b, int off, int len) { return (int) INT.get(b, off); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            out.int32(4);
            out.int32((Integer) v);
        }
    },
    INT8("bigint", Kind.INT64) {
        @Override Object decode(byte[] b, int off, int len) { return (long) LONG.get(b, off); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            out.int32(8);
            out.int64((Long) v);
        }
    },
    FLOAT4("real", Kind.FLOAT32) {
        @Override Object decode(byte[] b, int off, int len) { return Float.intBitsToFloat((int) INT.get(b, off)); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            out.int32(4);
            out.int32(Float.floatToIntBits((Float) v));
        }
    },
    FLOAT8("double precision", Kind.FLOAT64) {
        @Override Object decode(byte[] b, int off, int len) { return Double.longBitsToDouble((long) LONG.get(b, off)); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            out.int32(8);
            out.int64(Double.doubleToLongBits((Double) v));
        }
    },
    NUMERIC("numeric", Kind.DECIMAL) {
        @Override Object decode(byte[] b, int off, int len) { return PgNumeric.decode(b, off); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException { PgNumeric.encode((BigDecimal) v, out); }
    },
    TEXT("text", Kind.STRING) {
        @Override Object decode(byte[] b, int off, int len) { return new String(b, off, len, StandardCharsets.UTF_8); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException { out.text((String) v, false); }
    },
    /** {@code json}: its binary form is its text. */
    JSON("json", Kind.JSON) {
        @Override Object decode(byte[] b, int off, int len) { return new String(b, off, len, StandardCharsets.UTF_8); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException { out.text((String) v, false); }
    },
    /** {@code jsonb}: a format version byte (1), then the text. */
    JSONB("jsonb", Kind.JSON) {
        @Override Object decode(byte[] b, int off, int len) {
            if (b[off] != 1) throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "unknown jsonb format version " + b[off]);
            return new String(b, off + 1, len - 1, StandardCharsets.UTF_8);
        }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException { out.text((String) v, true); }
    },
    /** Days since 2000-01-01. */
    DATE("date", Kind.DATE) {
        @Override Object decode(byte[] b, int off, int len) {
            int days = (int) INT.get(b, off);
            if (days == Integer.MAX_VALUE) return LocalDate.MAX;
            if (days == Integer.MIN_VALUE) return LocalDate.MIN;
            return LocalDate.ofEpochDay(days + PG_EPOCH_DAY);
        }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            LocalDate d = (LocalDate) v;
            int days = d.equals(LocalDate.MAX) ? Integer.MAX_VALUE : d.equals(LocalDate.MIN) ? Integer.MIN_VALUE : days(d);
            out.int32(4);
            out.int32(days);
        }
    },
    /** Microseconds since midnight; Postgres allows 24:00:00, carried as {@link LocalTime#MAX}. */
    TIME("time", Kind.TIME) {
        @Override Object decode(byte[] b, int off, int len) {
            long micros = (long) LONG.get(b, off);
            return micros == MICROS_PER_DAY ? LocalTime.MAX : LocalTime.ofNanoOfDay(micros * 1000);
        }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            LocalTime t = (LocalTime) v;
            out.int32(8);
            out.int64(t.equals(LocalTime.MAX) ? MICROS_PER_DAY : t.toNanoOfDay() / 1000);
        }
    },
    /** Microseconds since 2000-01-01 00:00:00. */
    TIMESTAMP("timestamp", Kind.TIMESTAMP) {
        @Override Object decode(byte[] b, int off, int len) {
            long micros = (long) LONG.get(b, off);
            if (micros == Long.MAX_VALUE) return LocalDateTime.MAX;
            if (micros == Long.MIN_VALUE) return LocalDateTime.MIN;
            return localDateTime(micros);
        }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            LocalDateTime t = (LocalDateTime) v;
            long micros = t.equals(LocalDateTime.MAX) ? Long.MAX_VALUE : t.equals(LocalDateTime.MIN) ? Long.MIN_VALUE
                    : micros(t.toEpochSecond(ZoneOffset.UTC), t.getNano());
            out.int32(8);
            out.int64(micros);
        }
    },
    /** Microseconds since 2000-01-01 00:00:00 UTC; decoded at offset UTC. */
    TIMESTAMPTZ("timestamptz", Kind.TIMESTAMPTZ) {
        @Override Object decode(byte[] b, int off, int len) {
            long micros = (long) LONG.get(b, off);
            if (micros == Long.MAX_VALUE) return TIMESTAMPTZ_INFINITY;
            if (micros == Long.MIN_VALUE) return TIMESTAMPTZ_MINUS_INFINITY;
            return localDateTime(micros).atOffset(ZoneOffset.UTC);
        }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            OffsetDateTime t = (OffsetDateTime) v;
            long micros = t.equals(TIMESTAMPTZ_INFINITY) ? Long.MAX_VALUE : t.equals(TIMESTAMPTZ_MINUS_INFINITY) ? Long.MIN_VALUE
                    : micros(t.toEpochSecond(), t.getNano());
            out.int32(8);
            out.int64(micros);
        }
    },
    BYTEA("bytea", Kind.BYTES) {
        @Override Object decode(byte[] b, int off, int len) {
            byte[] value = new byte[len];
            System.arraycopy(b, off, value, 0, len);
            return value;
        }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException { out.bytes((byte[]) v); }
    },
    UUID("uuid", Kind.UUID) {
        @Override Object decode(byte[] b, int off, int len) { return new java.util.UUID((long) LONG.get(b, off), (long) LONG.get(b, off + 8)); }

        @Override void encode(Object v, BinaryCopyWriter out) throws SQLException {
            java.util.UUID u = (java.util.UUID) v;
            out.int32(16);
            out.int64(u.getMostSignificantBits());
            out.int64(u.getLeastSignificantBits());
        }
    };

    static final OffsetDateTime TIMESTAMPTZ_INFINITY = LocalDateTime.MAX.atOffset(ZoneOffset.UTC);
    static final OffsetDateTime TIMESTAMPTZ_MINUS_INFINITY = LocalDateTime.MIN.atOffset(ZoneOffset.UTC);

    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** 2000-01-01, Postgres' epoch, in days and seconds since 1970-01-01. */
    private static final long PG_EPOCH_DAY = 10_957;
    private static final long PG_EPOCH_SECOND = PG_EPOCH_DAY * 86_400;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private final String sqlName;
    private final Kind kind;

    PgWireType(String sqlName, Kind kind) {
        this.sqlName = sqlName;
        this.kind = kind;
    }

    /** The type's name in SQL, usable in casts and column definitions. */
    String sqlName() { return sqlName; }

    Kind kind() { return kind; }

    /** Decodes the {@code len} bytes of one non-null field at {@code off}. */
    abstract Object decode(byte[] b, int off, int len);

    /** Writes one non-null field: its length, then its bytes. */
    abstract void encode(Object value, BinaryCopyWriter out) throws SQLException;

    /** The type a value of {@code kind} is read as; {@code JSON} reads as {@code json}, which keeps a json column's text as is. */
    static PgWireType forKind(Kind kind) {
        for (PgWireType t : values()) if (t.kind == kind) return t;
        throw new IllegalArgumentException("no wire type for " + kind);
    }

    /** A SQL literal of a non-null value of this type, cast to it, e.g. {@code '2026-01-01T00:00Z'::timestamptz}. */
    String literal(Object value) {
        String text;
        if (value.equals(LocalDate.MAX) || value.equals(LocalDateTime.MAX) || value.equals(TIMESTAMPTZ_INFINITY)) {
            text = "infinity";
        } else if (value.equals(LocalDate.MIN) || value.equals(LocalDateTime.MIN) || value.equals(TIMESTAMPTZ_MINUS_INFINITY)) {
            text = "-infinity";
        } else if (value instanceof byte[] bytes) {
            text = "\\x" + HexFormat.of().formatHex(bytes);
        } else {
            text = Values.format(DataType.of(kind), value);
        }
        return Sql.literal(text) + "::" + sqlName;
    }

    private static LocalDateTime localDateTime(long pgMicros) {
        long seconds = Math.floorDiv(pgMicros, 1_000_000L);
        int nanos = (int) Math.floorMod(pgMicros, 1_000_000L) * 1000;
        return LocalDateTime.ofEpochSecond(seconds + PG_EPOCH_SECOND, nanos, ZoneOffset.UTC);
    }

    /**
     * Days since Postgres' epoch. Postgres checks the range it keeps (4713 BC to 5874897 AD) itself; a date so far out
     * that its days do not even fit the wire format is refused here, as Postgres would.
     */
    private static int days(LocalDate date) {
        long days = date.toEpochDay() - PG_EPOCH_DAY;
        if (days != (int) days) {
            throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "date " + date + " is outside Postgres' range (4713 BC to 5874897 AD)");
        }
        return (int) days;
    }

    /** Microseconds since Postgres' epoch; sub-microsecond digits are dropped, as Postgres itself cannot hold them. */
    private static long micros(long epochSecond, int nano) {
        try {
            return Math.addExact(Math.multiplyExact(epochSecond - PG_EPOCH_SECOND, 1_000_000L), nano / 1000);
        } catch (ArithmeticException e) {
            throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "timestamp is outside Postgres' range (4713 BC to 294276 AD)");
        }
    }
}
