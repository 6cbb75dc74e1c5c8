package io.tidemark.connector.postgres;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.SQLException;

/**
 * Postgres' binary {@code numeric}: int16 ndigits, int16 weight, int16 sign, int16 dscale, then ndigits base-10000
 * digits, most significant first; the value is {@code sum(digit[i] * 10000^(weight - i))} shown with dscale decimals.
 */
final class PgNumeric {
    private static final int POSITIVE = 0x0000;
    private static final int NEGATIVE = 0x4000;
    private static final int NAN = 0xC000;
    private static final long[] POW10 = {1, 10, 100, 1000};
    private static final long[] POW10000 = {1L, 10_000L, 100_000_000L, 1_000_000_000_000L, 10_000_000_000_000_000L};
    private static final BigInteger TEN_THOUSAND_POW_4 = BigInteger.valueOf(POW10000[4]);
    /** Unscaled values of at most this many bits, times 10^3, still fit a long. */
    private static final int LONG_PATH_BITS = 52;

    private PgNumeric() {}

    static BigDecimal decode(byte[] b, int off) {
        int ndigits = (short) PgWireType.SHORT.get(b, off);
        int weight = (short) PgWireType.SHORT.get(b, off + 2);
        int sign = (short) PgWireType.SHORT.get(b, off + 4) & 0xFFFF;
        int dscale = (short) PgWireType.SHORT.get(b, off + 6) & 0xFFFF;
        if (sign != POSITIVE && sign != NEGATIVE) throw notADecimal(sign == NAN ? "NaN" : "Infinity");
        if (ndigits == 0) return BigDecimal.valueOf(0, dscale);
        BigDecimal value;
        int last = off + 8;
        if (ndigits <= 4) {
            long acc = 0;
            for (int i = 0; i < ndigits; i++) acc = acc * 10_000 + (short) PgWireType.SHORT.get(b, last + 2 * i);
            value = BigDecimal.valueOf(acc, -4 * (weight - ndigits + 1));
        } else {
            BigInteger acc = BigInteger.ZERO;
            long chunk = 0;
            int inChunk = 0;
            for (int i = 0; i < ndigits; i++) {
                chunk = chunk * 10_000 + (short) PgWireType.SHORT.get(b, last + 2 * i);
                if (++inChunk == 4) {
                    acc = acc.multiply(TEN_THOUSAND_POW_4).add(BigInteger.valueOf(chunk));
                    chunk = 0;
                    inChunk = 0;
                }
            }
            if (inChunk > 0) acc = acc.multiply(BigInteger.valueOf(POW10000[inChunk])).add(BigInteger.valueOf(chunk));
            value = new BigDecimal(acc, -4 * (weight - ndigits + 1));
        }
        if (sign == NEGATIVE) value = value.negate();
        // Digits past dscale are zero in a stored numeric; DOWN matches Postgres' own text output if one is not.
        return value.setScale(dscale, RoundingMode.DOWN);
    }

    /** The error for a numeric {@code NaN} or {@code ±Infinity}, which a {@link BigDecimal} cannot hold. */
    static TidemarkException notADecimal(String spelling) {
        return new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "numeric value " + spelling
                + " cannot be carried as a decimal; filter it out, or cast the column to text in a query model");
    }

    static void encode(BigDecimal value, BinaryCopyWriter out) throws SQLException {
        BigDecimal v = value.scale() < 0 ? value.setScale(0) : value;
        int dscale = v.scale();
        int pad = (4 - dscale % 4) % 4;          // decimal zeros appended so the fraction fills whole base-10000 digits
        int fractionGroups = (dscale + pad) / 4;
        int sign = v.signum() < 0 ? NEGATIVE : POSITIVE;
        BigInteger unscaled = v.unscaledValue().abs();
        if (unscaled.signum() == 0) {
            header(out, 0, 0, POSITIVE, dscale);
            return;
        }
        if (unscaled.bitLength() <= LONG_PATH_BITS) {
            long n = unscaled.longValue() * POW10[pad];
            int groups = 0;
            for (long t = n; t != 0; t /= 10_000) groups++;
            int trailingZeros = 0;
            for (long t = n; t % 10_000 == 0; t /= 10_000) trailingZeros++;
            int ndigits = groups - trailingZeros;
            header(out, ndigits, weight(groups, fractionGroups), sign, dscale);
            long divisor = POW10000[groups - 1];
            for (int i = 0; i < ndigits; i++, divisor /= 10_000) out.int16((int) (n / divisor % 10_000));
        } else {
            String digits = unscaled.toString();
            int length = digits.length() + pad;
            int groups = (length + 3) / 4;
            int firstLength = length - 4 * (groups - 1);
            int ndigits = groups;
            while (group(digits, firstLength, ndigits - 1) == 0) ndigits--;
            header(out, ndigits, weight(groups, fractionGroups), sign, dscale);
            for (int g = 0; g < ndigits; g++) out.int16(group(digits, firstLength, g));
        }
    }

    private static int weight(int groups, int fractionGroups) {
        int weight = groups - fractionGroups - 1;
        if (weight > Short.MAX_VALUE || weight < Short.MIN_VALUE) {
            throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "decimal value is outside Postgres' numeric range");
        }
        return weight;
    }

    /** Base-10000 digit {@code g} of {@code digits} followed by zeros, grouped from the right. */
    private static int group(String digits, int firstLength, int g) {
        int start = g == 0 ? 0 : firstLength + 4 * (g - 1);
        int end = g == 0 ? firstLength : start + 4;
        int value = 0;
        for (int p = start; p < end; p++) value = value * 10 + (p < digits.length() ? digits.charAt(p) - '0' : 0);
        return value;
    }

    private static void header(BinaryCopyWriter out, int ndigits, int weight, int sign, int dscale) throws SQLException {
        out.int32(8 + 2 * ndigits);
        out.int16(ndigits);
        out.int16(weight);
        out.int16(sign);
        out.int16(dscale);
    }
}
