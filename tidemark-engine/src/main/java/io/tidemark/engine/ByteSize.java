package io.tidemark.engine;

import java.util.Locale;

/** Byte counts as people read them: {@code 512 B}, {@code 1.5 MiB}. */
public final class ByteSize {
    private ByteSize() {}

    public static String format(long bytes) {
        if (bytes < 1024) return bytes + " B";
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", bytes / (double) (1L << (unit * 10)), "KMGTPE".charAt(unit - 1));
    }
}
