package io.tidemark.connector.files;

import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.Values;
import io.tidemark.connector.files.FileFormat.RowReader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Streams one file's rows in batches, filtering the cursor window itself ({@code CURSOR_PUSHDOWN}).
 *
 * <p>The file is opened once and both passes of a cursor read use that descriptor up to the size it had when opened:
 * writers replace files by rename, so the descriptor keeps seeing the same contents whatever is committed meanwhile.
 * The upper bound therefore needs no snapshot: it is the largest cursor value in those bytes, found by a first
 * streaming pass over the cursor column when {@link #cursorUpperBound()} is first asked.
 */
final class FilesReader implements StreamReader {

    /**
     * @param index position of the cursor column in the read schema
     * @param lower the window's lower bound as a value of the column's type; null reads every row
     */
    record CursorFilter(int index, Object lower) {
        boolean atOrAboveLower(Object value) { return lower == null || Values.compare(value, lower) >= 0; }
    }

    private final Folder folder;
    private final Path file;
    private final FileChannel channel;
    private final long length;
    private final StreamSchema schema;
    private final Optional<CursorFilter> cursor;
    private final int batchSize;
    /** Null until asked for. */
    private Optional<Object> upperBound;
    private RowReader rows;

    FilesReader(Folder folder, Path file, FileChannel channel, long length, StreamSchema schema, Optional<CursorFilter> cursor,
                int batchSize) {
        this.folder = folder;
        this.file = file;
        this.channel = channel;
        this.length = length;
        this.schema = schema;
        this.cursor = cursor;
        this.batchSize = batchSize;
    }

    @Override
    public Optional<Object> cursorUpperBound() {
        if (cursor.isEmpty()) return Optional.empty();
        if (upperBound == null) upperBound = Optional.ofNullable(largestCursorValue(cursor.get()));
        return upperBound;
    }

    private Object largestCursorValue(CursorFilter filter) {
        StreamSchema cursorOnly = new StreamSchema(schema.id(), List.of(schema.columns().get(filter.index())), List.of(), null);
        Object max = null;
        try (RowReader pass = folder.format().reader(new ChannelInput(channel, length), file, cursorOnly)) {
            for (Object[] row = pass.next(); row != null; row = pass.next()) {
                Object value = row[0];
                if (value != null && filter.atOrAboveLower(value) && (max == null || Values.compare(value, max) > 0)) max = value;
            }
        } catch (IOException e) {
            throw folder.io("reading", file, e);
        }
        return max;
    }

    @Override
    public RowBatch next() {
        try {
            if (rows == null) rows = folder.format().reader(new ChannelInput(channel, length), file, schema);
            List<Object[]> batch = new ArrayList<>(Math.min(batchSize, 1024));
            while (batch.size() < batchSize) {
                Object[] row = rows.next();
                if (row == null) break;
                if (inWindow(row)) batch.add(row);
            }
            return batch.isEmpty() ? null : new RowBatch(schema, batch);
        } catch (IOException e) {
            throw folder.io("reading", file, e);
        }
    }

    private boolean inWindow(Object[] row) {
        if (cursor.isEmpty()) return true;
        CursorFilter filter = cursor.get();
        Object value = row[filter.index()];
        // A first read (no lower bound) takes every row; a later window cannot place a null cursor, like SQL's >=.
        if (value == null) return filter.lower() == null;
        return filter.atOrAboveLower(value)
                && (upperBound == null || upperBound.isEmpty() || Values.compare(value, upperBound.get()) <= 0);
    }

    @Override
    public void close() {
        try (channel) {
            if (rows != null) rows.close();
        } catch (IOException e) {
            throw folder.io("closing", file, e);
        }
    }
}
