package io.tidemark.engine.diff;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Carries full model rows from the read to the apply step of a diff run without holding them in memory: every row
 * is appended to a scratch file as it is read, and only the rows the diff classifies as added or changed are read
 * back, by offset, in file order. Binary, typed by the schema; deleted on {@link #close()}.
 */
public final class RowSpill implements AutoCloseable {
    /** Rows are encoded into this buffer and written in large chunks: no per-value stream calls or locks. */
    private static final int BUFFER = 1 << 17;

    private final Path file;
    private final DataType.Kind[] kinds;
    private final OutputStream out;
    private byte[] buffer = new byte[BUFFER];
    private int position;
    /** Bytes already written to the file before {@link #buffer}'s start. */
    private long flushed;

    public RowSpill(Path file, StreamSchema schema) {
        this.file = file;
        this.kinds = schema.columns().stream().map(Column::type).map(DataType::kind).toArray(DataType.Kind[]::new);
        try {
            Files.createDirectories(file.getParent());
            this.out = Files.newOutputStream(file);
        } catch (IOException e) {
            throw failure("create", e);
        }
    }

    /** Appends a row; returns its offset for {@link Reader#at}. */
    public long append(Object[] row) {
        long offset = flushed + position;
        for (int i = 0; i < kinds.length; i++) write(kinds[i], row[i]);
        if (position > BUFFER - 4096) flush();
        return offset;
    }

    private void write(DataType.Kind kind, Object v) {
        if (v == null) {
            putByte(0);
            return;
        }
        putByte(1);
        switch (kind) {
            case BOOLEAN -> putByte((Boolean) v ? 1 : 0);
            case INT16 -> putShort((Short) v);
            case INT32 -> putInt((Integer) v);
            case INT64 -> putLong((Long) v);
            case FLOAT32 -> putInt(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> putLong(Double.doubleToRawLongBits((Double) v));
            case DECIMAL -> {
                BigDecimal d = (BigDecimal) v;
                putInt(d.scale());
                putBytes(d.unscaledValue().toByteArray());
            }
            case STRING, JSON -> putBytes(((String) v).getBytes(StandardCharsets.UTF_8));
            case DATE -> putLong(((LocalDate) v).toEpochDay());
            case TIME -> putLong(((LocalTime) v).toNanoOfDay());
            case TIMESTAMP -> {
                LocalDateTime t = (LocalDateTime) v;
                putLong(t.toEpochSecond(ZoneOffset.UTC));
                putInt(t.getNano());
            }
            case TIMESTAMPTZ -> {
                OffsetDateTime t = (OffsetDateTime) v;
                putLong(t.toEpochSecond());
                putInt(t.getNano());
            }
            case BYTES -> putBytes((byte[]) v);
            case UUID -> {
                UUID u = (UUID) v;
                putLong(u.getMostSignificantBits());
                putLong(u.getLeastSignificantBits());
            }
        }
    }

    private void ensure(int bytes) {
        if (position + bytes <= buffer.length) return;
        flush();
        if (bytes > buffer.length) buffer = new byte[bytes];
    }

    private void putByte(int b) {
        ensure(1);
        buffer[position++] = (byte) b;
    }

    private void putShort(short v) {
        ensure(2);
        SHORT.set(buffer, position, v);
        position += 2;
    }

    private void putInt(int v) {
        ensure(4);
        INT.set(buffer, position, v);
        position += 4;
    }

    private void putLong(long v) {
        ensure(8);
        LONG.set(buffer, position, v);
        position += 8;
    }

    private void putBytes(byte[] b) {
        putInt(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buffer, position, b.length);
        position += b.length;
    }

    private void flush() {
        try {
            out.write(buffer, 0, position);
        } catch (IOException e) {
            throw failure("write", e);
        }
        flushed += position;
        position = 0;
    }

    private static final java.lang.invoke.VarHandle SHORT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle INT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /** Finishes writing and reads rows back; offsets must be given in non-decreasing order. */
    public Reader reader() {
        try {
            flush();
            out.flush();
            return new Reader(new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16)));
        } catch (IOException e) {
            throw failure("read", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is deleted next; nothing in it matters any more
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failure("delete", e);
        }
    }

    private TidemarkException failure(String what, IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        ErrorCode code = message.contains("No space left") ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR;
        return new TidemarkException(code, "cannot " + what + " the diff scratch file " + file + ": " + message
                + "; free disk space in the workspace's .tidemark folder and run again", e);
    }

    /** Reads rows at increasing offsets, skipping what lies between. */
    public final class Reader implements AutoCloseable {
        private final DataInputStream in;
        private long position;

        private Reader(DataInputStream in) { this.in = in; }

        public Object[] at(long offset) {
            try {
                if (offset < position) throw new IllegalArgumentException("offsets must not decrease: " + offset + " < " + position);
                in.skipNBytes(offset - position);
                position = offset;
                Object[] row = new Object[kinds.length];
                for (int i = 0; i < kinds.length; i++) row[i] = read(kinds[i]);
                return row;
            } catch (IOException e) {
                throw failure("read", e);
            }
        }

        private Object read(DataType.Kind kind) throws IOException {
            position++;
            if (in.readByte() == 0) return null;
            return switch (kind) {
                case BOOLEAN -> { position += 1; yield in.readBoolean(); }
                case INT16 -> { position += 2; yield in.readShort(); }
                case INT32 -> { position += 4; yield in.readInt(); }
                case INT64 -> { position += 8; yield in.readLong(); }
                case FLOAT32 -> { position += 4; yield in.readFloat(); }
                case FLOAT64 -> { position += 8; yield in.readDouble(); }
                case DECIMAL -> {
                    position += 4;
                    int scale = in.readInt();
                    yield new BigDecimal(new BigInteger(bytes()), scale);
                }
                case STRING, JSON -> new String(bytes(), StandardCharsets.UTF_8);
                case DATE -> { position += 8; yield LocalDate.ofEpochDay(in.readLong()); }
                case TIME -> { position += 8; yield LocalTime.ofNanoOfDay(in.readLong()); }
                case TIMESTAMP -> { position += 12; yield LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC); }
                case TIMESTAMPTZ -> {
                    position += 12;
                    long seconds = in.readLong();
                    yield OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(seconds, in.readInt()), ZoneOffset.UTC);
                }
                case BYTES -> bytes();
                case UUID -> { position += 16; yield new UUID(in.readLong(), in.readLong()); }
            };
        }

        private byte[] bytes() throws IOException {
            int length = in.readInt();
            byte[] b = in.readNBytes(length);
            position += 4 + length;
            return b;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only scratch file
            }
        }
    }
}
