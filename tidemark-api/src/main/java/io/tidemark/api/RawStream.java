package io.tidemark.api;

/**
 * Rows in a wire format both connectors speak, moved without decoding (DESIGN.md, "fast paths").
 * The format name is a contract: {@value #POSTGRES_BINARY_COPY} is the Postgres binary COPY format of exactly
 * the reader's schema columns, in order, with the source's native types.
 */
public interface RawStream {
    String POSTGRES_BINARY_COPY = "postgres-binary-copy";

    String format();

    /** Writes the whole stream into {@code sink}; returns the number of rows moved. Called at most once. */
    long transferTo(RawSink sink);

    /** Where raw bytes go. */
    @FunctionalInterface
    interface RawSink {
        void write(byte[] buffer, int offset, int length);
    }
}
