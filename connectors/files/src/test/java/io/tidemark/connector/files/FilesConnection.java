package io.tidemark.connector.files;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.Destination;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.SyncType;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A files connection on a test folder, opened through the public factory, with shorthands for writing and reading. */
final class FilesConnection implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    final Path folder;
    final Source source;
    final Destination destination;

    private FilesConnection(Path folder, Source source, Destination destination) {
        this.folder = folder;
        this.source = source;
        this.destination = destination;
    }

    static FilesConnection open(Path folder, String format) {
        FilesConnectorFactory factory = new FilesConnectorFactory();
        ConnectorConfig config = new ConnectorConfig("files", factory.configSpec(), Map.of("path", folder.toString(), "format", format));
        ConnectorContext context = new ConnectorContext(Clock.fixed(NOW, ZoneOffset.UTC), folder);
        return new FilesConnection(folder, factory.openSource(config, context), factory.openDestination(config, context));
    }

    StreamWriter writer(StreamSchema schema, WriteMode mode, long runId, List<String> dedup) {
        return destination.open(new WriteRequest(syncKey(schema.id()), schema.id(), schema, mode, runId, NOW, dedup));
    }

    /** Gives {@code rows} to a writer of {@code mode}: as upserted changes for {@link WriteMode#CHANGES}, else written. */
    static void send(StreamWriter writer, WriteMode mode, StreamSchema schema, List<Object[]> rows) {
        RowBatch batch = new RowBatch(schema, rows);
        if (mode == WriteMode.CHANGES) writer.apply(new ChangeBatch(ChangeOp.UPSERT, batch));
        else writer.write(batch);
    }

    /** One committed run with checkpoint {@code cp<runId>}. */
    void write(StreamSchema schema, WriteMode mode, long runId, List<Object[]> rows) {
        try (StreamWriter w = writer(schema, mode, runId, List.of())) {
            w.write(new RowBatch(schema, rows));
            w.commit(state(schema.id(), runId));
        }
    }

    static CommittedState state(StreamId id, long runId) { return new CommittedState(syncKey(id), runId, "cp" + runId, NOW); }

    static String syncKey(StreamId id) { return "sync_" + id.name(); }

    /** Every row, in file order, in the schema {@code describe} returns. */
    List<Object[]> read(StreamId id) {
        List<Object[]> rows = new ArrayList<>();
        try (StreamReader r = reader(id, Optional.empty())) {
            for (RowBatch b = r.next(); b != null; b = r.next()) rows.addAll(b.rows());
        }
        return rows;
    }

    StreamReader reader(StreamId id, Optional<CursorWindow> window) {
        ModelSpec model = ModelSpec.table(id.name(), id, List.of());
        return source.read(new ReadRequest(model, source.describe(model), window.isPresent() ? SyncType.INCREMENTAL : SyncType.FULL_REFRESH,
                window, 100));
    }

    StreamSchema describe(StreamId id) { return source.describe(ModelSpec.table(id.name(), id, List.of())); }

    @Override
    public void close() {
        source.close();
        destination.close();
    }
}
