package io.tidemark.connector.files;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@code _tidemark_state.json}: the checkpoints committed into one folder, by sync key. Version 1:
 * <pre>{@code
 * { "formatVersion": 1,
 *   "states": { "orders_to_files": { "runId": 7, "checkpoint": "...", "committedAt": "2026-03-01T12:00:00Z" } } }
 * }</pre>
 * Every change rewrites the file under a temporary name and renames it into place, so a reader sees the previous
 * or the next version whole. Syncs into the same folder share the file, so changes are serialised by a lock file
 * ({@code _tidemark_state.lock}) across processes and by a mutex within this one.
 */
final class StateFile {
    static final int FORMAT_VERSION = 1;
    /**
     * A {@link FileLock} belongs to the whole JVM: a second channel of the same process asking for it fails instead of
     * waiting. Threads of one process therefore take this mutex first; one per lock file, for the process's life.
     */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    @JsonPropertyOrder({"formatVersion", "states"})
    record Document(int formatVersion, SortedMap<String, Entry> states) {}

    @JsonPropertyOrder({"runId", "checkpoint", "committedAt"})
    record Entry(long runId, String checkpoint, String committedAt) {}

    private final Path file;
    private final Path lockFile;
    private final Path tempFile;

    StateFile(Path folder) {
        this.file = folder.resolve(Folder.RESERVED_PREFIX + "state.json");
        this.lockFile = folder.resolve(Folder.RESERVED_PREFIX + "state.lock");
        this.tempFile = folder.resolve(file.getFileName() + ".tmp");
    }

    Path path() { return file; }

    Optional<CommittedState> get(String syncKey) throws IOException {
        Entry entry = read().get(syncKey);
        if (entry == null) return Optional.empty();
        if (entry.checkpoint() == null || entry.committedAt() == null) {
            throw invalid("the state of \"" + syncKey + "\" lacks \"checkpoint\" or \"committedAt\"");
        }
        try {
            return Optional.of(new CommittedState(syncKey, entry.runId(), entry.checkpoint(), Instant.parse(entry.committedAt())));
        } catch (DateTimeParseException e) {
            throw invalid("the state of \"" + syncKey + "\" has committedAt \"" + entry.committedAt() + "\", not an ISO-8601 instant");
        }
    }

    void put(CommittedState state) throws IOException {
        update(states -> states.put(state.syncKey(),
                new Entry(state.runId(), state.checkpoint(), state.committedAt().toString())));
    }

    void remove(String syncKey) throws IOException {
        update(states -> states.remove(syncKey));
    }

    /** Reads the file to prove it is valid; for {@code check}. */
    void validate() throws IOException { read(); }

    private SortedMap<String, Entry> read() throws IOException {
        Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = JsonDocuments.MAPPER.readValue(in, Document.class);
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        } catch (JacksonException e) {
            throw invalid(e.getOriginalMessage());
        }
        if (doc == null) throw invalid("it is empty");
        if (doc.formatVersion() > FORMAT_VERSION) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "state file " + file + " has format version "
                    + doc.formatVersion() + ", newer than this Tidemark reads (" + FORMAT_VERSION + "); upgrade Tidemark");
        }
        return doc.states() == null ? new TreeMap<>() : new TreeMap<>(doc.states());
    }

    private void update(Consumer<SortedMap<String, Entry>> change) throws IOException {
        try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile.toRealPath(), p -> new ReentrantLock());
            local.lock();
            try (FileLock ignored = lock.lock()) {
                SortedMap<String, Entry> states = read();
                change.accept(states);
                TempFile temp = TempFile.create(tempFile);
                try {
                    JsonDocuments.write(temp.out(), new Document(FORMAT_VERSION, states));
                    temp.finish();
                    temp.moveOver(file);
                    TempFile.syncDirectory(file.getParent());
                } finally {
                    temp.discard();
                }
            } finally {
                local.unlock();
            }
        }
    }

    private TidemarkException invalid(String problem) {
        return new TidemarkException(ErrorCode.CONFIG_INVALID, "state file " + file + " is not valid: " + problem
                + "; restore it from a backup, or delete it so that every sync into this folder starts over with a first run");
    }
}
