package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.StreamSchema;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How rows become bytes in one file format. Implementations are stateless and thread-safe. */
sealed interface FileFormat permits CsvFormat, JsonlFormat {

    /** The config value and the file extension, e.g. {@code csv}. */
    String extension();

    /** Writes rows of {@code schema} into {@code out}; closing the writer flushes but does not close {@code out}. */
    RowWriter writer(OutputStream out, StreamSchema schema) throws IOException;

    /**
     * Reads rows into {@code schema}'s column order, matching the file's columns by name: a schema column the
     * file lacks reads as null, a file column the schema lacks is skipped.
     *
     * @param file named in error messages
     */
    RowReader reader(InputStream in, Path file, StreamSchema schema) throws IOException;

    /** Column names and types guessed from the first {@code sampleRows} rows of a file without a schema sidecar. */
    List<Column> infer(InputStream in, Path file, int sampleRows) throws IOException;

    static Optional<FileFormat> named(String name) {
        return switch (name) {
            case "csv" -> Optional.of(new CsvFormat());
            case "jsonl" -> Optional.of(new JsonlFormat());
            default -> Optional.empty();
        };
    }

    /** Rows out, in schema order. */
    interface RowWriter extends AutoCloseable {
        void write(Object[] row) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Rows in; a bad value throws {@link io.tidemark.api.ErrorCode#SOURCE_DATA_INVALID} naming file, line and column. */
    interface RowReader extends AutoCloseable {
        /** The next row, or null at the end. */
        Object[] next() throws IOException;

        @Override
        void close() throws IOException;
    }
}
