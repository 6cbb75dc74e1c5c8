package io.tidemark.connector.files;

import io.tidemark.api.CheckReport;
import io.tidemark.api.CommittedState;
import io.tidemark.api.Destination;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Writes streams as files of a folder; see {@link FileStreamWriter} for how a run becomes visible. */
final class FilesDestination implements Destination {
    private final Folder folder;

    FilesDestination(Folder folder) { this.folder = folder; }

    @Override
    public CheckReport check() { return folder.check(true); }

    @Override
    public Optional<StreamSchema> describeTarget(StreamId target) { return folder.schema(target); }

    @Override
    public Optional<CommittedState> committedState(String syncKey) {
        try {
            return folder.state().get(syncKey);
        } catch (IOException e) {
            throw folder.io("reading", folder.state().path(), e);
        }
    }

    @Override
    public StreamWriter open(WriteRequest request) { return FileStreamWriter.open(folder, request); }

    @Override
    public void deleteData(String syncKey, StreamId target) {
        StreamId id = folder.checked(target);
        Path data = folder.dataFile(id);
        // State first: a crash after it leaves the old file to a first run, which replaces it.
        folder.attempt("writing", folder.state().path(), () -> folder.state().remove(syncKey));
        folder.attempt("deleting", data, () -> {
            Files.deleteIfExists(data);
            Files.deleteIfExists(folder.sidecarFile(id));
        });
        folder.removeTempFiles(id, List.of());
    }

    @Override
    public void close() {
        // Nothing held: writers own their files, and the state file is opened per change.
    }
}
