package io.tidemark.connector.files;

import io.tidemark.api.RejectedRow;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.WriteRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link io.tidemark.api.WriteMode#APPEND}: the new file is the old one's rows followed by the run's, each stamped
 * with {@value SystemColumns#SYNCED_AT} and {@value SystemColumns#RUN_ID}. Rows whose
 * {@link WriteRequest#appendDedupColumns()} tuple the file (or the run) already holds are skipped; the old file's
 * tuples are kept in memory for that.
 */
final class AppendWriter extends FileStreamWriter {
    private final Optional<KeyColumns> dedup;
    private final Set<List<String>> held = new HashSet<>();

    AppendWriter(Folder folder, WriteRequest request, Optional<StreamSchema> existing, StreamId target) {
        super(folder, request, evolvedSchema(folder, request, existing, target));
        this.dedup = request.appendDedupColumns().isEmpty() ? Optional.empty()
                : Optional.of(KeyColumns.of(fileSchema, request.appendDedupColumns(), folder.where(), dataFile));
    }

    @Override
    protected void begin() throws IOException {
        openDataFile();
        if (!Files.exists(dataFile)) return;
        forEachRow(dataFile, row -> {
            dedup.ifPresent(d -> held.add(d.keyOf(row)));
            writeData(row);
        });
    }

    @Override
    protected void accept(Object[] row, List<RejectedRow> rejected) throws IOException {
        if (dedup.isPresent() && !held.add(dedup.get().keyOf(row))) countSkipped();
        else writeData(row);
    }
}
