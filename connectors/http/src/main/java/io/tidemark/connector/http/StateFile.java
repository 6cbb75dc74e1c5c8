package io.tidemark.connector.http;

import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.statefile.CommittedStateFile;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The checkpoints committed by the syncs of one API connection, kept in the workspace because an API cannot store
 * them: {@code .tidemark/destinations/<connection>.json} (a {@link CommittedStateFile}), with I/O errors worded for
 * this connector.
 */
final class StateFile {
    private final CommittedStateFile file;

    StateFile(Path workspaceDir, String connection) {
        Path folder = workspaceDir.resolve(".tidemark").resolve("destinations");
        String stem = connection.replaceAll("[^A-Za-z0-9._-]", "_");
        this.file = new CommittedStateFile(folder.resolve(stem + ".json"), folder.resolve(stem + ".lock"),
                "every sync of this connection starts over with a first run (which sends every record again)");
    }

    Path path() { return file.path(); }

    Optional<CommittedState> get(String syncKey) {
        try {
            return file.get(syncKey);
        } catch (IOException e) {
            throw io("reading", e);
        }
    }

    void put(CommittedState state) {
        try {
            Files.createDirectories(file.path().getParent());
            file.put(state);
        } catch (IOException e) {
            throw io("writing", e);
        }
    }

    void remove(String syncKey) {
        try {
            Files.createDirectories(file.path().getParent());
            file.remove(syncKey);
        } catch (IOException e) {
            throw io("writing", e);
        }
    }

    /** Reads the file to prove it is valid; for {@code check}. */
    void validate() {
        try {
            file.validate();
        } catch (IOException e) {
            throw io("reading", e);
        }
    }

    private TidemarkException io(String action, IOException e) {
        ErrorCode code = e instanceof AccessDeniedException ? ErrorCode.PERMISSION_DENIED : ErrorCode.IO_ERROR;
        return new TidemarkException(code, "error " + action + " state file " + file.path() + ": " + e.getMessage()
                + "; check that the workspace folder is writable and has space, and run again", e);
    }
}
