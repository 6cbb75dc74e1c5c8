package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;

/**
 * Puts a batch's rows into file-schema order, converting values to the file's (possibly wider) types. The batch may
 * carry a subset of the file's columns; the others are null in the mapped row.
 */
final class RowMapping {
    private final StreamSchema source;
    private final int[] positions;
    private final DataType[] from;
    private final DataType[] to;
    private final int width;

    private RowMapping(StreamSchema source, StreamSchema file) {
        int n = source.columns().size();
        this.source = source;
        this.positions = new int[n];
        this.from = new DataType[n];
        this.to = new DataType[n];
        this.width = file.columns().size();
        for (int i = 0; i < n; i++) {
            Column column = source.columns().get(i);
            positions[i] = file.indexOf(column.name());
            if (positions[i] < 0) {
                throw new TidemarkException(ErrorCode.INTERNAL, "batch column \"" + column.name()
                        + "\" is not in the writer's schema (" + String.join(", ", file.columnNames()) + ")");
            }
            from[i] = column.type();
            to[i] = file.columns().get(positions[i]).type();
        }
    }

    static RowMapping of(StreamSchema source, StreamSchema file) { return new RowMapping(source, file); }

    StreamSchema source() { return source; }

    /** The file-schema positions the batch's columns go to, in batch column order. */
    int[] positions() { return positions.clone(); }

    Object[] apply(Object[] row) {
        Object[] out = new Object[width];
        for (int i = 0; i < positions.length; i++) out[positions[i]] = TypeRules.convert(from[i], to[i], row[i]);
        return out;
    }
}
