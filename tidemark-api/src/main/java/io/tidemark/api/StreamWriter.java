package io.tidemark.api;

import java.util.Set;

/**
 * Writes one run's rows into one destination object. Call order: {@link #write} (or {@link #writeRaw} once)
 * any number of times, then {@link #commit} at most once, then {@link #close()} exactly once. Closing without a
 * commit discards everything written: the destination and its committed state stay as they were.
 */
public interface StreamWriter extends AutoCloseable {

    WriteResult write(RowBatch batch);

    /** Raw formats this writer accepts in {@link #writeRaw}; empty when it only takes batches. */
    default Set<String> rawFormats() { return Set.of(); }

    /** Moves an undecoded stream; returns rows written. Only called with a format from {@link #rawFormats()}. */
    default long writeRaw(RawStream raw) {
        throw new TidemarkException(ErrorCode.INTERNAL, "writer does not accept raw format " + raw.format());
    }

    /**
     * Makes everything written durable together with {@code state}: in one transaction where the destination
     * has {@link Capability#TRANSACTIONAL_COMMIT}, so that after a crash at any instant either both or neither
     * are visible. For {@link WriteMode#REPLACE} this is when the new table replaces the old one.
     */
    void commit(CommittedState state);

    /**
     * Rows given to {@link #write} or {@link #writeRaw} that the destination did not apply because it already
     * held them ({@link WriteMode#APPEND} de-duplication) or because a later row of the same run superseded them
     * (same key twice in one upsert or append). Valid after {@link #commit}; the run's {@code rows_written} is the
     * rows given minus these.
     */
    default long skippedRows() { return 0; }

    @Override
    void close();
}
