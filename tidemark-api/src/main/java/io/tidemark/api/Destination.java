package io.tidemark.api;

import java.util.Optional;

/**
 * A connection written to. Call order: any number of calls below, then {@link #close()} exactly once. At most one
 * writer per sync is open at a time.
 */
public interface Destination extends AutoCloseable {

    CheckReport check();

    /** The schema of an existing destination object, or empty when it does not exist. */
    Optional<StreamSchema> describeTarget(StreamId target);

    /** The state last committed by {@link StreamWriter#commit} for this sync, if any. */
    Optional<CommittedState> committedState(String syncKey);

    /**
     * Opens a writer. Creates {@code request.target()} when missing. An existing target with a missing column gets
     * it added (nullable: the rows already there have no value for it); a column whose type
     * {@linkplain DataType#widensTo widens} to the schema's is changed to it in place. Both happen inside the write's
     * transaction where the destination has one, so they become visible with the data. A column whose type neither
     * holds nor widens to the schema's is refused with {@link ErrorCode#INCOMPATIBLE_DESTINATION}, naming the column,
     * both types, and the fix. Columns of the target that the schema lacks are left as they are (the engine never
     * drops a column).
     */
    StreamWriter open(WriteRequest request);

    /** Drops what the sync wrote (the target) and its committed state; the next run is a first run. */
    void deleteData(String syncKey, StreamId target);

    @Override
    void close();
}
