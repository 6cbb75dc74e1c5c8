package io.tidemark.store;

/**
 * How far a cdc sync's capture lagged behind its source when a run ended.
 *
 * @param bytes  the source's change log kept for the sync (for Postgres, the WAL its replication slot retains)
 * @param millis how far the destination was behind the source in time
 */
public record CaptureLag(long bytes, long millis) {
    public CaptureLag {
        if (bytes < 0 || millis < 0) {
            throw new IllegalArgumentException("capture lag cannot be negative: " + bytes + " bytes, " + millis + " ms");
        }
    }
}
