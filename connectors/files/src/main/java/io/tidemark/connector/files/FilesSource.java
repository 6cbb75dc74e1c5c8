package io.tidemark.connector.files;

import io.tidemark.api.CheckReport;
import io.tidemark.api.Column;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the files of a folder as streams. Holds no open files between calls. */
final class FilesSource implements Source {
    private final Folder folder;

    FilesSource(Folder folder) { this.folder = folder; }

    @Override
    public CheckReport check() { return folder.check(false); }

    @Override
    public List<DiscoveredStream> discover() {
        return folder.streams().stream().flatMap(id -> folder.schema(id).stream()).map(FilesSource::discovered).toList();
    }

    private static DiscoveredStream discovered(StreamSchema schema) {
        List<String> cursors = schema.columns().stream()
                .filter(c -> c.type().kind().isNumeric() || c.type().kind().isTemporal()).map(Column::name).toList();
        Set<SyncType> types = EnumSet.of(SyncType.FULL_REFRESH, SyncType.DIFF);
        if (!cursors.isEmpty()) types.addAll(List.of(SyncType.INCREMENTAL, SyncType.APPEND));
        return new DiscoveredStream(schema, cursors, types, -1);
    }

    @Override
    public StreamSchema describe(ModelSpec model) {
        StreamId id = tableOf(model);
        StreamSchema schema = folder.schema(id).orElseThrow(() -> folder.streamNotFound(id));
        if (model.primaryKey().isEmpty()) return schema;
        for (String key : model.primaryKey()) {
            if (schema.column(key).isEmpty()) {
                throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, folder.where() + "primary key column \"" + key
                        + "\" not found in " + folder.dataFile(id) + " (columns: " + String.join(", ", schema.columnNames())
                        + "); fix the model's primary_key");
            }
        }
        return schema.withPrimaryKey(model.primaryKey());
    }

    @Override
    public StreamReader read(ReadRequest request) {
        StreamId id = tableOf(request.model());
        Path file = folder.dataFile(id);
        Optional<FilesReader.CursorFilter> cursor = request.window().map(w -> cursorFilter(request.schema(), w));
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw folder.streamNotFound(id);
        } catch (IOException e) {
            throw folder.io("opening", file, e);
        }
        try {
            // The size now bounds both passes of a cursor read (FilesReader), even if the file grows in place.
            return new FilesReader(folder, file, channel, channel.size(), request.schema(), cursor, request.batchSize());
        } catch (IOException e) {
            TidemarkException failure = folder.io("reading", file, e);
            try {
                channel.close();
            } catch (IOException suppressed) {
                failure.addSuppressed(suppressed);
            }
            throw failure;
        }
    }

    private StreamId tableOf(ModelSpec model) {
        if (model.isQuery()) {
            throw new TidemarkException(ErrorCode.UNSUPPORTED, folder.where() + "model \"" + model.name()
                    + "\" is a SQL query, but a files connection reads whole files; use a table model naming the file's "
                    + "stream, or load the files into a database connection (duckdb reads CSV and JSONL) and query there");
        }
        return folder.checked(model.table());
    }

    private FilesReader.CursorFilter cursorFilter(StreamSchema schema, CursorWindow window) {
        int index = schema.indexOf(window.column());
        if (index < 0) {
            throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, folder.where() + "cursor column \"" + window.column()
                    + "\" not found in " + schema.id() + " (columns: " + String.join(", ", schema.columnNames()) + "); set cursor_field");
        }
        DataType type = schema.columns().get(index).type();
        try {
            return new FilesReader.CursorFilter(index, TypeRules.convert(window.type(), type, window.lowerInclusive()));
        } catch (TidemarkException e) {
            throw new TidemarkException(ErrorCode.CURSOR_TYPE_MISMATCH, folder.where() + "the cursor's lower bound "
                    + window.lowerInclusive() + " is not a " + type + " like column \"" + window.column() + "\"; resync the sync", e);
        }
    }

    @Override
    public void close() {
        // Nothing held: every reader owns and closes its own file.
    }
}
