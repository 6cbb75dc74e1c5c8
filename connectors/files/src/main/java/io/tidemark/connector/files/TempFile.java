package io.tidemark.connector.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file written under a temporary name beside its destination and renamed over it once complete, so that readers
 * see the old file or the new one, never a half-written one.
 */
final class TempFile {
    private final Path path;
    private final FileChannel channel;
    private final OutputStream out;

    private TempFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
    }

    /** Creates or truncates {@code path}. */
    static TempFile create(Path path) throws IOException {
        return new TempFile(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    Path path() { return path; }

    /** Unbuffered (the format writers buffer); writers on it must not close it. */
    OutputStream out() { return out; }

    /** Forces the contents to the device and closes the file, ready to be renamed. */
    void finish() throws IOException {
        try (channel) {
            channel.force(true);
        }
    }

    /** Closes the file without forcing it (scratch data that is never renamed into place). */
    void close() throws IOException { channel.close(); }

    /** Renames the finished file over {@code target} in one step. */
    void moveOver(Path target) throws IOException {
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Closes and deletes the file; a no-op once it was moved. */
    void discard() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** Makes renames and deletions in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
