package io.tidemark.connector.files;

import io.tidemark.api.RejectedRow;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.WriteRequest;
import io.tidemark.connector.files.FileFormat.RowWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link io.tidemark.api.WriteMode#UPSERT} by rewriting: incoming rows are spooled to a scratch file as they arrive
 * and only their keys kept in memory; at commit the old file is streamed into the new one minus the incoming keys,
 * then the spooled rows follow, the last row of each key winning. Memory is bounded by the run's key set; every run
 * costs a rewrite of the whole file.
 */
final class UpsertWriter extends FileStreamWriter {
    private final KeyColumns key;
    /** Each incoming key with how many spooled rows carry it; replaying the spool keeps the last of them. */
    private final Map<List<String>, Integer> occurrences = new HashMap<>();
    private final Path spoolPath;
    private TempFile spool;
    private RowWriter spoolWriter;

    UpsertWriter(Folder folder, WriteRequest request, Optional<StreamSchema> existing, StreamId target) {
        super(folder, request, evolvedSchema(folder, request, existing, target));
        this.key = primaryKey("an upsert");
        this.spoolPath = folder.spoolFile(target);
    }

    @Override
    protected void begin() throws IOException {
        spool = createTemp(spoolPath);
        spoolWriter = folder.format().writer(spool.out(), fileSchema);
    }

    @Override
    protected Path receivingPath() { return spool.path(); }

    @Override
    protected void accept(Object[] row, List<RejectedRow> rejected) throws IOException {
        String missing = key.firstNull(row);
        if (missing != null) {
            rejected.add(new RejectedRow(key.valuesOf(row), "primary key column \"" + missing + "\" is null"));
            return;
        }
        spoolWriter.write(row);
        occurrences.merge(key.keyOf(row), 1, Integer::sum);
    }

    @Override
    protected void beforeCommit() throws IOException {
        spoolWriter.close();
        spool.close();
        openDataFile();
        if (Files.exists(dataFile)) {
            forEachRow(dataFile, row -> {
                if (!occurrences.containsKey(key.keyOf(row))) writeData(row);
            });
        }
        forEachRow(spool.path(), row -> {
            if (occurrences.merge(key.keyOf(row), -1, Integer::sum) == 0) writeData(row);
            else countSkipped();
        });
    }
}
