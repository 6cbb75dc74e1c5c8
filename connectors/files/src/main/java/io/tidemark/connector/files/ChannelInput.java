package io.tidemark.connector.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The first {@code length} bytes of an open file as a stream, read with positional reads: several passes over one
 * channel do not disturb each other, and closing the stream leaves the channel open for the next pass.
 */
final class ChannelInput extends InputStream {
    private final FileChannel channel;
    private final long length;
    private long position;

    ChannelInput(FileChannel channel, long length) {
        this.channel = channel;
        this.length = length;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        Objects.checkFromIndexSize(offset, count, buffer.length);
        if (count == 0) return 0;
        long left = length - position;
        if (left <= 0) return -1;
        int n = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(count, left)), position);
        if (n < 0) return -1; // truncated in place by someone else; the format reader reports what it misses
        position += n;
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
}
