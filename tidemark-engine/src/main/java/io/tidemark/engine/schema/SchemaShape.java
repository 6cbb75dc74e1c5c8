package io.tidemark.engine.schema;

import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How rows read from the source become rows of the shape a run writes: the columns the destination keeps, in its
 * order. A column the sync ignores is left out; a column dropped at the source that the destination keeps is null.
 */
public final class SchemaShape {
    private final StreamSchema source;
    private final StreamSchema shaped;
    private final int[] sourceIndex;
    /** Rows pass unchanged: checked once, as the per-row paths ask it for every row. */
    private final boolean identity;

    /**
     * @param source      the source's columns now, as read
     * @param shaped      the columns written, with the source's primary key
     * @param sourceIndex for each shaped column, its index in {@code source}, or -1 for a column filled with null
     */
    SchemaShape(StreamSchema source, StreamSchema shaped, int[] sourceIndex) {
        this.source = source;
        this.shaped = shaped;
        this.sourceIndex = sourceIndex.clone();
        boolean same = sourceIndex.length == source.columns().size();
        for (int i = 0; same && i < sourceIndex.length; i++) same = sourceIndex[i] == i;
        this.identity = same;
    }

    /** Rows are written as read. */
    public static SchemaShape identity(StreamSchema schema) {
        int[] index = new int[schema.columns().size()];
        Arrays.setAll(index, i -> i);
        return new SchemaShape(schema, schema, index);
    }

    /** The source's columns now, as read. */
    public StreamSchema source() { return source; }

    /** The columns written. */
    public StreamSchema shaped() { return shaped; }

    public boolean isIdentity() { return identity; }

    /** {@code row} of the source in the shaped layout; the same array when nothing moves. */
    public Object[] row(Object[] row) {
        if (row == null || identity) return row;
        Object[] out = new Object[sourceIndex.length];
        for (int i = 0; i < sourceIndex.length; i++) if (sourceIndex[i] >= 0) out[i] = row[sourceIndex[i]];
        return out;
    }

    /** A set of source column positions as the shaped positions (a column filled with null is in none). */
    public BitSet columns(BitSet sourceColumns) {
        if (identity) return sourceColumns;
        BitSet out = new BitSet(sourceIndex.length);
        for (int i = 0; i < sourceIndex.length; i++) if (sourceIndex[i] >= 0 && sourceColumns.get(sourceIndex[i])) out.set(i);
        return out;
    }

    /**
     * Reads the source in its own columns for a request made in the shaped ones, handing out shaped batches. An
     * identity shape reads straight through (and keeps a raw passthrough possible).
     */
    public StreamReader read(Source from, ReadRequest shapedRequest) {
        if (identity) return from.read(shapedRequest);
        ReadRequest asRead = new ReadRequest(shapedRequest.model(), source.withPrimaryKey(shapedRequest.schema().primaryKey()),
                shapedRequest.syncType(), shapedRequest.window(), shapedRequest.batchSize());
        return reshaping(from.read(asRead), shapedRequest.schema());
    }

    /** {@code reader}'s batches in the shaped layout (a reshaped read offers no raw passthrough). */
    public StreamReader reshaping(StreamReader reader, StreamSchema written) {
        if (identity) return reader;
        return new StreamReader() {
            @Override public Optional<Object> cursorUpperBound() { return reader.cursorUpperBound(); }

            @Override public OptionalLong estimatedRows() { return reader.estimatedRows(); }

            @Override
            public RowBatch next() {
                RowBatch batch = reader.next();
                if (batch == null) return null;
                List<Object[]> rows = new ArrayList<>(batch.size());
                for (Object[] row : batch.rows()) rows.add(row(row));
                return new RowBatch(written, rows);
            }

            @Override public void close() { reader.close(); }
        };
    }
}
