package io.tidemark.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An open read of a capture's change log. Call order: {@link #snapshot} any number of times (a new capture only),
 * then {@link #poll} and {@link #acknowledge} any number of times, then {@link #close()} exactly once (also after a
 * failure). Single-threaded.
 */
public interface ChangeStream extends AutoCloseable {
    /** Where the log is read from: a new capture's consistent point, else the resume position given. */
    LogPosition start();

    /**
     * For a capture this stream created: the table exactly as of {@link #start()}, so that the snapshot followed by
     * the log misses and repeats nothing. Empty when the stream resumes an existing capture.
     */
    Optional<StreamReader> snapshot(ReadRequest request);

    /** The end of the source's log, asked now: a run that applies "everything available now" reads up to here. */
    LogPosition currentEnd();

    /**
     * The next events, at most {@code maxEvents}, waiting at most {@code wait} for the first; an empty list when
     * none arrived. Transactions may span calls.
     * When the table's columns change, a {@link LogEvent.SchemaChange} comes before the first change in the new shape.
     */
    List<LogEvent> poll(int maxEvents, Duration wait);

    /**
     * Everything before {@code position} is durable at the destination: the source may release its log up to it.
     * Never called with a position the destination has not committed.
     */
    void acknowledge(LogPosition position);

    @Override
    void close();
}
