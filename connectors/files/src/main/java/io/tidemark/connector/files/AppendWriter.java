package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.WriteRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
    private final int syncedAtIndex;
    private final int runIdIndex;
    private final OffsetDateTime syncedAt;

    AppendWriter(Folder folder, WriteRequest request, Optional<StreamSchema> existing, StreamId target) {
        super(folder, request, fileSchema(folder, request, existing, target));
        this.dedup = request.appendDedupColumns().isEmpty() ? Optional.empty()
                : Optional.of(KeyColumns.of(fileSchema, request.appendDedupColumns(), folder.where(), dataFile));
        this.syncedAtIndex = fileSchema.indexOf(SystemColumns.SYNCED_AT);
        this.runIdIndex = fileSchema.indexOf(SystemColumns.RUN_ID);
        this.syncedAt = request.runStartedAt().atOffset(ZoneOffset.UTC);
    }

    private static StreamSchema fileSchema(Folder folder, WriteRequest request, Optional<StreamSchema> existing, StreamId target) {
        // The run's own values of the system columns (say, read from another append table) are replaced by this run's.
        List<Column> columns = new ArrayList<>(request.schema().columns().stream()
                .filter(c -> !c.name().equals(SystemColumns.SYNCED_AT) && !c.name().equals(SystemColumns.RUN_ID)).toList());
        columns.add(new Column(SystemColumns.SYNCED_AT, DataType.TIMESTAMPTZ, false, null));
        columns.add(new Column(SystemColumns.RUN_ID, DataType.INT64, false, null));
        StreamSchema incoming = new StreamSchema(target, columns, request.schema().primaryKey(), request.schema().nativeDialect());
        return existing.map(old -> evolve(folder, old, incoming)).orElse(incoming);
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
    protected boolean accept(Object[] row, List<RejectedRow> rejected) throws IOException {
        row[syncedAtIndex] = syncedAt;
        row[runIdIndex] = request.runId();
        if (dedup.isPresent() && !held.add(dedup.get().keyOf(row))) return false;
        writeData(row);
        return true;
    }
}
