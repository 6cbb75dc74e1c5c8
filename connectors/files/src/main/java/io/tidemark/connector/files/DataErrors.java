package io.tidemark.connector.files;

import com.fasterxml.jackson.core.exc.StreamReadException;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.nio.file.Path;

/** {@link ErrorCode#SOURCE_DATA_INVALID} errors that point at a line of a file. */
final class DataErrors {
    private DataErrors() {}

    static TidemarkException at(Path file, long line, String problem) {
        return new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, file + " line " + line + ": " + problem);
    }

    static TidemarkException badValue(Path file, long line, String column, TidemarkException cause) {
        return new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, file + " line " + line + ", column \"" + column + "\": "
                + cause.getMessage() + "; correct the value in the file, or the column's type in the stream's .schema.json sidecar",
                cause);
    }

    /** The file is not well-formed CSV or JSON (unterminated quote, bad UTF-8, broken object). */
    static TidemarkException malformed(Path file, String formatName, StreamReadException e) {
        long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        return new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, file + " line " + line + ": not valid " + formatName
                + " (" + e.getOriginalMessage() + "); fix the file", e);
    }

    static TidemarkException notUtf8(Path file, long line) {
        return at(file, line, "not valid UTF-8; save the file as UTF-8");
    }
}
