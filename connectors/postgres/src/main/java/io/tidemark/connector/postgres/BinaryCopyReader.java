package io.tidemark.connector.postgres;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.postgresql.copy.CopyOut;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes Postgres' binary COPY format from the chunks of a {@link CopyOut}, one row at a time. The server sends
 * one message per row, so a row is normally decoded in place from the driver's message array; the decoder does not
 * rely on it and gathers fields that span messages into a scratch buffer.
 */
final class BinaryCopyReader {
    private static final byte[] EMPTY = new byte[0];

    private final CopyOut copy;
    private final PgWireType[] types;
    private final List<String> columnNames;
    private byte[] buf = EMPTY;
    private int pos;
    private int limit;
    private byte[] scratch = new byte[1024];
    private boolean started;
    private boolean ended;

    BinaryCopyReader(CopyOut copy, PgWireType[] types, List<String> columnNames) {
        this.copy = copy;
        this.types = types.clone();
        this.columnNames = List.copyOf(columnNames);
    }

    /** The next row, or {@code null} after the last one (the COPY is then complete). */
    Object[] next() throws SQLException {
        if (ended) return null;
        if (!started) readHeader();
        require(2);
        int fields = (short) PgWireType.SHORT.get(buf, pos);
        pos += 2;
        if (fields == -1) {
            ended = true;
            while (copy.readFromCopy() != null) {
                // drains to the command's completion so that the connection leaves COPY mode
            }
            return null;
        }
        if (fields != types.length) {
            throw new TidemarkException(ErrorCode.INTERNAL, "COPY returned " + fields + " fields, expected " + types.length);
        }
        Object[] row = new Object[fields];
        for (int i = 0; i < fields; i++) {
            require(4);
            int len = (int) PgWireType.INT.get(buf, pos);
            pos += 4;
            if (len < 0) continue;
            require(len);
            try {
                row[i] = types[i].decode(buf, pos, len);
            } catch (TidemarkException e) {
                throw e.withContext("column \"" + columnNames.get(i) + "\": ");
            }
            pos += len;
        }
        return row;
    }

    private void readHeader() throws SQLException {
        started = true;
        require(BinaryCopyWriter.SIGNATURE.length + 8);
        if (!Arrays.equals(buf, pos, pos + BinaryCopyWriter.SIGNATURE.length, BinaryCopyWriter.SIGNATURE, 0, BinaryCopyWriter.SIGNATURE.length)) {
            throw new TidemarkException(ErrorCode.INTERNAL, "COPY output is not in binary format");
        }
        pos += BinaryCopyWriter.SIGNATURE.length + 4; // flags carry nothing we need (no OIDs were asked for)
        int extension = (int) PgWireType.INT.get(buf, pos);
        pos += 4;
        require(extension);
        pos += extension;
    }

    /** Makes {@code n} bytes available contiguously at {@code buf[pos]}. */
    private void require(int n) throws SQLException {
        if (limit - pos >= n) return;
        int rest = limit - pos;
        if (rest == 0) {
            buf = nextChunk();
            pos = 0;
            limit = buf.length;
            if (limit >= n) return;
            rest = limit;
        }
        byte[] gathered = scratch.length >= n ? scratch : new byte[Math.max(n, 2 * scratch.length)];
        System.arraycopy(buf, pos, gathered, 0, rest);
        int filled = rest;
        while (filled < n) {
            byte[] chunk = nextChunk();
            if (filled + chunk.length > gathered.length) gathered = Arrays.copyOf(gathered, Math.max(filled + chunk.length, 2 * gathered.length));
            System.arraycopy(chunk, 0, gathered, filled, chunk.length);
            filled += chunk.length;
        }
        scratch = gathered;
        buf = gathered;
        pos = 0;
        limit = filled;
    }

    private byte[] nextChunk() throws SQLException {
        byte[] chunk = copy.readFromCopy();
        if (chunk == null) throw new TidemarkException(ErrorCode.INTERNAL, "COPY output ended in the middle of a row");
        return chunk;
    }
}
