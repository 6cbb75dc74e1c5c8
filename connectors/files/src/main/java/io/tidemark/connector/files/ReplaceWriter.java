package io.tidemark.connector.files;

import io.tidemark.api.RejectedRow;
import io.tidemark.api.StreamId;
import io.tidemark.api.WriteRequest;

import java.io.IOException;
import java.util.List;

/**
 * {@link io.tidemark.api.WriteMode#REPLACE}: the run's rows become the whole file, in the run's schema (plus the
 * history columns when an append sync is reloaded).
 */
final class ReplaceWriter extends FileStreamWriter {

    ReplaceWriter(Folder folder, WriteRequest request, StreamId target) {
        super(folder, request, incomingSchema(request, target));
    }

    @Override
    protected void begin() throws IOException { openDataFile(); }

    @Override
    protected void accept(Object[] row, List<RejectedRow> rejected) throws IOException { writeData(row); }
}
