package io.tidemark.engine.diff;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * A 64-bit hash of some columns of a row: what a diff snapshot keeps instead of the values. Stable across processes
 * and JDKs (it never uses {@code Object.hashCode}), so a snapshot written by one run compares with the next. Equal
 * values hash equally whatever their Java representation details: a decimal's trailing zeros and a timestamp's
 * offset do not count, the position of each column does.
 */
public final class RowHasher {
    /** Persisted with every snapshot: a new scheme must not be compared with an old one. */
    public static final String SCHEME = "tm64-v1";

    private static final long SEED = 0x2545F4914F6CDD1DL;
    private static final long NULL = 0x6A09E667F3BCC909L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private RowHasher() {}

    public static long hash(Object[] row, int[] columns) {
        long h = SEED;
        // Mixed with the position among the hashed columns, not in the row: reordering the model's other columns
        // must not change the hash.
        for (int i = 0; i < columns.length; i++) h = (h ^ value(row[columns[i]])) * GOLDEN + i;
        return mix(h);
    }

    private static long value(Object v) {
        return switch (v) {
            case null -> NULL;
            case Long l -> mix(l);
            case Integer i -> mix(i);
            case Short s -> mix(s);
            case String s -> string(s);
            case Double d -> mix(Double.doubleToLongBits(d) ^ 0x0D);
            case Float f -> mix(Float.floatToIntBits(f) ^ 0x0F);
            case Boolean b -> b ? 0x1234567L : 0x7654321L;
            case BigDecimal d -> decimal(d);
            case LocalDate d -> mix(d.toEpochDay() ^ 0xDA7EL);
            case LocalDateTime t -> mix(mix(t.toEpochSecond(ZoneOffset.UTC)) + t.getNano());
            case OffsetDateTime t -> mix(mix(t.toEpochSecond()) + t.getNano() + 0x7A);
            case LocalTime t -> mix(t.toNanoOfDay() ^ 0x71AEL);
            case UUID u -> mix(mix(u.getMostSignificantBits()) ^ u.getLeastSignificantBits());
            case byte[] b -> bytes(b);
            default -> string(v.toString());
        };
    }

    private static long decimal(BigDecimal d) {
        BigDecimal n = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        long unscaled = n.unscaledValue().bitLength() < 63 ? n.unscaledValue().longValue() : string(n.unscaledValue().toString());
        return mix(mix(unscaled) + n.scale());
    }

    /** Two interleaved multiply chains keep the CPU busy on long text; length guards against shifted content. */
    private static long string(String s) {
        long a = SEED;
        long b = GOLDEN;
        int n = s.length();
        int i = 0;
        for (; i + 1 < n; i += 2) {
            a = (a ^ s.charAt(i)) * 0x100000001B3L;
            b = (b ^ s.charAt(i + 1)) * 0xC2B2AE3D27D4EB4FL;
        }
        if (i < n) a = (a ^ s.charAt(i)) * 0x100000001B3L;
        return mix(a ^ Long.rotateLeft(b, 31) ^ n);
    }

    private static long bytes(byte[] bytes) {
        long h = SEED ^ bytes.length;
        for (byte x : bytes) h = (h ^ x) * 0x100000001B3L;
        return mix(h ^ 0xB17E5L);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
