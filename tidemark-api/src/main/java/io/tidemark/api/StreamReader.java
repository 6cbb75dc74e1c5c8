package io.tidemark.api;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads one model. The engine either calls {@link #openRaw} once before anything else and, when it returns a
 * stream, moves that instead of batches; or calls {@link #next()} until it returns {@code null}. {@link #close()}
 * is always called, also after a failure or cancellation.
 */
public interface StreamReader extends AutoCloseable {

    /**
     * For cursor reads: the largest cursor value this read will return, fixed when the read opened; empty when
     * the window holds no rows. The next run's window starts from it.
     */
    Optional<Object> cursorUpperBound();

    /** Rows this read will return, when the source knows cheaply; used for progress and ETA. */
    default OptionalLong estimatedRows() { return OptionalLong.empty(); }

    /** The next batch, or {@code null} at the end. */
    RowBatch next();

    /**
     * The rows as an undecoded byte stream in one of {@code acceptedFormats}, when both ends speak one
     * (e.g. Postgres binary COPY to Postgres). Empty means "use {@link #next()}".
     */
    default Optional<RawStream> openRaw(Set<String> acceptedFormats) { return Optional.empty(); }

    @Override
    void close();
}
