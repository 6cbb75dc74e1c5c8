package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import io.tidemark.connector.files.FileFormat.RowReader;
import io.tidemark.connector.files.FileFormat.RowWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One run's write into one stream file. Every mode builds the complete new file under a temporary name
 * ({@code <stream>.<ext>.tmp-<runId>}) and {@link #commit} renames it over the old one, so nothing is visible before
 * the commit and a failure at any point leaves the old file whole; {@link #close()} deletes what a failed or
 * abandoned run left, and the next writer of the stream deletes what a killed run left.
 *
 * <p>Commit order: data forced to disk, sidecar renamed, data renamed, folder forced, then the state file (skipped by
 * {@link #commitDataOnly}). A crash after the data rename but before the state replays the run on the next start,
 * which each mode absorbs.
 */
abstract sealed class FileStreamWriter implements StreamWriter permits ReplaceWriter, UpsertWriter, AppendWriter, ChangesWriter {
    protected final Folder folder;
    protected final WriteRequest request;
    protected final StreamId target;
    protected final Path dataFile;
    /** What the file holds after the commit. */
    protected final StreamSchema fileSchema;
    /** Present when the file is a history table: every row written gets this run's values in those columns. */
    private final Optional<HistoryColumns> history;
    private final Path dataTempPath;
    private final List<TempFile> temps = new ArrayList<>();
    private TempFile dataTemp;
    private RowWriter dataWriter;
    private RowMapping mapping;
    private long skipped;
    private boolean committed;
    private boolean closed;

    FileStreamWriter(Folder folder, WriteRequest request, StreamSchema fileSchema) {
        this.folder = folder;
        this.request = request;
        this.target = fileSchema.id();
        this.dataFile = folder.dataFile(target);
        this.fileSchema = fileSchema;
        this.history = request.historyColumns() ? Optional.of(HistoryColumns.of(fileSchema, request)) : Optional.empty();
        this.dataTempPath = Folder.tempOf(dataFile, request.runId());
    }

    /** Opens the writer for {@code request}'s mode; the caller closes it. */
    static FileStreamWriter open(Folder folder, WriteRequest request) {
        StreamId target = folder.checked(request.target());
        folder.requireFolder();
        // A replace ignores the old file entirely, so even an unreadable one can be replaced.
        FileStreamWriter writer = switch (request.mode()) {
            case REPLACE -> new ReplaceWriter(folder, request, target);
            case UPSERT -> new UpsertWriter(folder, request, folder.schema(target), target);
            case APPEND -> new AppendWriter(folder, request, folder.schema(target), target);
            case CHANGES -> new ChangesWriter(folder, request, folder.schema(target), target);
        };
        try {
            writer.start();
            return writer;
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    private void start() {
        Path dir = folder.dir(target);
        folder.attempt("creating", dir, () -> Files.createDirectories(dir));
        folder.removeTempFiles(target, List.of(dataTempPath, Folder.tempOf(folder.sidecarFile(target), request.runId()),
                Folder.tempOf(folder.spoolFile(target), request.runId())));
        folder.attempt("writing", dataTempPath, this::begin);
    }

    /** Opens what rows are written into; the old file's rows may be copied here. */
    protected abstract void begin() throws IOException;

    /**
     * Takes one row in file-schema order: writes (or spools) it, or adds it to {@code rejected}, or leaves it out as
     * already held and counts it with {@link #countSkipped}.
     */
    protected abstract void accept(Object[] row, List<RejectedRow> rejected) throws IOException;

    /** Counts a row given to this writer that the file will not hold, for {@link #skippedRows()}. */
    protected final void countSkipped() { skipped++; }

    /** Where {@link #accept} writes, for error messages. */
    protected Path receivingPath() { return dataTempPath; }

    /** Completes the new data file before it is renamed into place. */
    protected void beforeCommit() throws IOException {}

    /**
     * The run's rows as the file receives them, under {@code target}: with the history columns when the request
     * asks for them.
     */
    protected static StreamSchema incomingSchema(WriteRequest request, StreamId target) {
        StreamSchema schema = request.schema();
        List<Column> columns = request.historyColumns() ? HistoryColumns.appendedTo(schema) : schema.columns();
        return new StreamSchema(target, columns, schema.primaryKey(), schema.nativeDialect());
    }

    /** The file's schema after an upsert, append or changes: the existing file's, {@linkplain #evolve evolved} by the run's. */
    protected static StreamSchema evolvedSchema(Folder folder, WriteRequest request, Optional<StreamSchema> existing, StreamId target) {
        StreamSchema incoming = incomingSchema(request, target);
        return existing.map(old -> evolve(folder, old, incoming)).orElse(incoming);
    }

    /**
     * The file's primary key, by which {@code mode} (e.g. {@code "an upsert"}) matches records.
     *
     * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} when the file has none
     */
    protected final KeyColumns primaryKey(String mode) {
        if (fileSchema.primaryKey().isEmpty()) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, folder.where() + mode + " into " + dataFile
                    + " needs a primary key; set primary_key on the model or the sync");
        }
        return KeyColumns.of(fileSchema, fileSchema.primaryKey(), folder.where(), dataFile);
    }

    /** Creates a temporary file of this run, deleted by {@link #close()} unless it was renamed into place. */
    protected final TempFile createTemp(Path file) throws IOException {
        TempFile temp = TempFile.create(Folder.tempOf(file, request.runId()));
        temps.add(temp);
        return temp;
    }

    /** Starts the new data file; {@link #writeData} then appends rows to it. */
    protected final void openDataFile() throws IOException {
        dataTemp = createTemp(dataFile);
        dataWriter = folder.format().writer(dataTemp.out(), fileSchema);
    }

    protected final void writeData(Object[] row) throws IOException { dataWriter.write(row); }

    /** Streams the rows of {@code file} in file-schema order (columns it lacks are null). */
    protected final void forEachRow(Path file, RowConsumer consumer) throws IOException {
        try (InputStream in = Files.newInputStream(file); RowReader rows = folder.format().reader(in, file, fileSchema)) {
            for (Object[] row = rows.next(); row != null; row = rows.next()) consumer.accept(row);
        }
    }

    @FunctionalInterface
    protected interface RowConsumer {
        void accept(Object[] row) throws IOException;
    }

    @Override
    public final WriteResult write(RowBatch batch) {
        requireOpen();
        if (mapping == null || mapping.source() != batch.schema()) mapping = RowMapping.of(batch.schema(), fileSchema);
        List<RejectedRow> rejected = new ArrayList<>();
        try {
            for (Object[] row : batch.rows()) {
                Object[] fileRow = mapping.apply(row);
                history.ifPresent(h -> h.stamp(fileRow));
                accept(fileRow, rejected);
            }
        } catch (IOException e) {
            throw folder.io("writing", receivingPath(), e);
        }
        // Rows left out as already held count as written here and as skipped after the commit, which is when an
        // upsert learns which of its rows a later one superseded.
        return new WriteResult(batch.size() - rejected.size(), 0, rejected);
    }

    /** Overridden by the writer of keyed changes, the one mode where removing every record is a step of the run. */
    @Override
    public long truncate() {
        throw new TidemarkException(ErrorCode.UNSUPPORTED, folder.where() + "the " + request.mode() + " writer of " + dataFile
                + " cannot remove every record; that is part of applying keyed changes (CHANGES)");
    }

    @Override
    public final long skippedRows() { return skipped; }

    @Override
    public final void commit(CommittedState state) {
        commitData();
        folder.attempt("writing", folder.state().path(), () -> folder.state().put(state));
    }

    /** Replaces the file like {@link #commit} and leaves the state file alone: for writes that move no checkpoint. */
    @Override
    public final void commitDataOnly() { commitData(); }

    private void commitData() {
        requireOpen();
        if (committed) throw new TidemarkException(ErrorCode.INTERNAL, "the writer of " + dataFile + " was committed twice");
        folder.attempt("writing", dataTempPath, () -> {
            beforeCommit();
            dataWriter.close();
            dataTemp.finish();
        });
        Path sidecarFile = folder.sidecarFile(target);
        Path sidecarTemp = Folder.tempOf(sidecarFile, request.runId());
        folder.attempt("writing", sidecarTemp, () -> {
            TempFile sidecar = createTemp(sidecarFile);
            SchemaSidecar.write(sidecar.out(), fileSchema);
            sidecar.finish();
            // The sidecar goes first: a reader between the two renames sees the new types over the old rows, whose
            // text parses under them because upserts, appends and changes only ever widen a column.
            sidecar.moveOver(sidecarFile);
        });
        folder.attempt("replacing", dataFile, () -> {
            dataTemp.moveOver(dataFile);
            TempFile.syncDirectory(folder.dir(target));
        });
        committed = true;
    }

    /** Deletes this run's temporary files; after a commit only scratch files remain to delete. */
    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        TidemarkException failure = null;
        for (TempFile temp : temps) {
            try {
                temp.discard();
            } catch (IOException e) {
                if (failure == null) failure = folder.io("deleting", temp.path(), e);
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }

    protected final void requireOpen() {
        if (closed) throw new TidemarkException(ErrorCode.INTERNAL, "the writer of " + dataFile + " was used after close()");
    }

    /**
     * The file's schema after an upsert, append or changes of {@code incoming} rows: the existing columns in their order (a
     * column the rows lack stays and gets nulls), each {@linkplain DataType#widensTo widened} where the rows need it,
     * then the new columns (null in older rows). The file is rewritten anyway, so widening costs nothing extra: the old
     * rows are read under the wider type and written in its form.
     *
     * @throws TidemarkException {@link ErrorCode#INCOMPATIBLE_DESTINATION} when neither type widens to the other
     */
    static StreamSchema evolve(Folder folder, StreamSchema existing, StreamSchema incoming) {
        List<Column> columns = new ArrayList<>();
        for (Column old : existing.columns()) {
            Column now = incoming.column(old.name()).orElse(null);
            if (now == null) columns.add(new Column(old.name(), old.type(), true, old.nativeType()));
            else if (now.type().widensTo(old.type())) columns.add(old);
            else if (old.type().widensTo(now.type())) columns.add(now);
            else {
                throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, folder.where() + "column \"" + old.name() + "\" of "
                        + folder.dataFile(existing.id()) + " is " + old.type() + " but the rows bring " + now.type()
                        + ", and neither type widens to the other; resync (or delete the sync's data) to replace the file, "
                        + "or write to a new table");
            }
        }
        for (Column c : incoming.columns()) {
            if (existing.column(c.name()).isEmpty()) columns.add(new Column(c.name(), c.type(), true, c.nativeType()));
        }
        String dialect = incoming.nativeDialect();
        if (!Objects.equals(existing.nativeDialect(), dialect)) {
            // Native types of two dialects cannot share one schema; keep the portable types only.
            dialect = null;
            columns.replaceAll(c -> c.withType(c.type()));
        }
        List<String> key = incoming.primaryKey().isEmpty() ? existing.primaryKey() : incoming.primaryKey();
        return new StreamSchema(existing.id(), columns, key, dialect);
    }
}
