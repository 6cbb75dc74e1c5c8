package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;

/**
 * Encodes rows into Postgres' binary COPY format and streams them into a {@link CopyIn} through one fixed buffer,
 * so memory stays flat however many rows pass. Values larger than the buffer go straight through.
 */
final class BinaryCopyWriter {
    static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int BUFFER_SIZE = 1 << 16;

    private final CopyIn copy;
    private final Column[] columns;
    private final PgWireType[] types;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private long rows;

    /** Rows go to {@code copy} as the decoded {@code layout}'s columns, in its order. */
    BinaryCopyWriter(CopyIn copy, List<LoadColumn> layout) {
        this.copy = copy;
        this.columns = layout.stream().map(LoadColumn::column).toArray(Column[]::new);
        this.types = layout.stream().map(LoadColumn::wire).toArray(PgWireType[]::new);
        System.arraycopy(SIGNATURE, 0, buf, 0, SIGNATURE.length);
        pos = SIGNATURE.length + 8; // flags and header extension length, both 0
    }

    /**
     * Encodes one row; its values are in column order, {@code null} for SQL NULL.
     *
     * @throws TidemarkException {@link ErrorCode#INTERNAL} when the row does not fit the layout (a bug upstream), or
     *                           {@link ErrorCode#SOURCE_DATA_INVALID} for a value Postgres cannot hold
     */
    void writeRow(Object[] row) throws SQLException {
        if (row.length != types.length) {
            throw new TidemarkException(ErrorCode.INTERNAL, "a row has " + row.length + " values for " + types.length + " columns");
        }
        int16(types.length);
        for (int i = 0; i < types.length; i++) {
            Object value = row[i];
            if (value == null) {
                int32(-1);
                continue;
            }
            // Postgres would round a fraction beyond the column's scale without a word: a value must fit as it is.
            if (value instanceof java.math.BigDecimal decimal && !columns[i].type().holdsExactly(decimal)) {
                throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "column \"" + columns[i].name() + "\": value "
                        + decimal.toPlainString() + " has more digits than its type " + columns[i].type() + " holds (Postgres would "
                        + "round or refuse it); fix the value at the source, or declare the column with more digits");
            }
            try {
                types[i].encode(value, this);
            } catch (TidemarkException e) {
                throw e.withContext("column \"" + columns[i].name() + "\": ");
            } catch (ClassCastException e) {
                throw new TidemarkException(ErrorCode.INTERNAL, "column \"" + columns[i].name() + "\" is " + columns[i].type()
                        + " but got a " + value.getClass().getSimpleName(), e);
            }
        }
        rows++;
    }

    /** Rows written since this COPY started. */
    long rows() { return rows; }

    /** Writes the trailer and ends the COPY; returns the rows the server stored. */
    long finish() throws SQLException {
        int16(-1);
        flush();
        return copy.endCopy();
    }

    /** Aborts the COPY; the server discards what it received. */
    void cancel() throws SQLException {
        if (copy.isActive()) copy.cancelCopy();
    }

    void int8(int v) throws SQLException {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    void int16(int v) throws SQLException {
        ensure(2);
        PgWireType.SHORT.set(buf, pos, (short) v);
        pos += 2;
    }

    void int32(int v) throws SQLException {
        ensure(4);
        PgWireType.INT.set(buf, pos, v);
        pos += 4;
    }

    void int64(long v) throws SQLException {
        ensure(8);
        PgWireType.LONG.set(buf, pos, v);
        pos += 8;
    }

    /** A length-prefixed byte string. */
    void bytes(byte[] v) throws SQLException {
        int32(v.length);
        if (v.length <= buf.length - pos) {
            System.arraycopy(v, 0, buf, pos, v.length);
            pos += v.length;
        } else {
            flush();
            copy.writeToCopy(v, 0, v.length);
        }
    }

    /**
     * A length-prefixed UTF-8 string, encoded straight into the buffer (no intermediate byte array) with the
     * length patched in afterwards; {@code jsonbVersion} prefixes jsonb's format version byte.
     */
    void text(String s, boolean jsonbVersion) throws SQLException {
        int n = s.length();
        int worstCase = 5 + 3 * n;
        if (worstCase > buf.length) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (!jsonbVersion) {
                bytes(utf8);
                return;
            }
            int32(utf8.length + 1);
            int8(1);
            flush();
            copy.writeToCopy(utf8, 0, utf8.length);
            return;
        }
        ensure(worstCase);
        int lengthAt = pos;
        pos += 4;
        if (jsonbVersion) buf[pos++] = 1;
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?'; // an unpaired surrogate has no UTF-8 form; String.getBytes does the same
            } else {
                b[p++] = (byte) (0xE0 | c >> 12);
                b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        PgWireType.INT.set(buf, lengthAt, p - lengthAt - 4);
        pos = p;
    }

    private void ensure(int n) throws SQLException {
        if (pos + n > buf.length) flush();
    }

    private void flush() throws SQLException {
        if (pos > 0) copy.writeToCopy(buf, 0, pos);
        pos = 0;
    }
}
