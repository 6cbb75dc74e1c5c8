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
     * Applies one batch of keyed changes ({@link WriteMode#CHANGES} only). Each call is atomic:
     * <ul>
     *   <li>A row the destination refuses (constraint violation, value out of range, bad value) makes the call throw a
     *   {@link TidemarkException} whose code has category {@link ErrorCategory#DESTINATION_REJECTED}, with the
     *   destination's reason, having applied <em>none</em> of the batch; the writer stays usable, so the caller can
     *   split the batch to isolate the row.</li>
     *   <li>A record the operation cannot apply by its definition — {@link ChangeOp#INSERT} of a key the target
     *   holds, {@link ChangeOp#UPDATE} of a key it does not — is no error: it is returned in
     *   {@link WriteResult#rejected()} with that reason, and the rest of the batch is applied.</li>
     *   <li>A destination that judges records one by one and applies the rest (an API answering a batch with a result
     *   per record) returns the ones it refused as {@link RejectedRow#refused}.</li>
     * </ul>
     * Nothing applied is visible to others before {@link #commit} (or {@link #commitDataOnly}).
     */
    default WriteResult apply(ChangeBatch batch) {
        throw new TidemarkException(ErrorCode.UNSUPPORTED, "this destination does not apply keyed changes");
    }

    /**
     * How many threads may call {@link #apply} at once: more than one for destinations that answer over a network,
     * where throughput comes from requests in flight (the writer then bounds and paces them itself). The other
     * methods are called by one thread, never while an {@code apply} runs.
     */
    default int maxConcurrentApplies() { return 1; }

    /**
     * The requests the last {@link #apply} sent and their answers, secrets masked, for {@code test-row} to show;
     * empty for destinations that are not called over a wire protocol a person would read.
     */
    default java.util.List<WireExchange> lastExchanges() { return java.util.List.of(); }

    /**
     * Removes every record of the target ({@link WriteMode#CHANGES} only), in order with the batches applied around
     * it and invisible to others until {@link #commit}; returns the records removed.
     */
    default long truncate() {
        throw new TidemarkException(ErrorCode.UNSUPPORTED, "this destination cannot remove all records of a table");
    }

    /**
     * Makes everything written durable without touching the committed state: for writes that must not move a
     * checkpoint (a test row, the sync-log tables). Called instead of {@link #commit}, at most once.
     */
    default void commitDataOnly() {
        throw new TidemarkException(ErrorCode.UNSUPPORTED, "this destination cannot commit without a checkpoint");
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
