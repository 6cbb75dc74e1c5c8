package io.tidemark.api;

import java.util.Objects;

/**
 * A position in a source's change log. {@code value} orders positions (larger is later); {@code text} is the
 * source's own spelling for people (Postgres: {@code 16/B374D848}). Positions come from the source and go back to
 * it unchanged.
 */
public record LogPosition(long value, String text) implements Comparable<LogPosition> {
    public LogPosition {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public int compareTo(LogPosition other) { return Long.compareUnsigned(value, other.value); }

    public boolean isAfter(LogPosition other) { return compareTo(other) > 0; }

    public static LogPosition max(LogPosition a, LogPosition b) { return a.compareTo(b) >= 0 ? a : b; }

    @Override
    public String toString() { return text; }
}
