package io.tidemark.connector.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * The checkpoints committed by the syncs of one API connection, kept in the workspace because an API cannot store
 * them: {@code .tidemark/destinations/<connection>.json}, version 1:
 * <pre>{@code
 * { "formatVersion": 1,
 *   "states": { "contacts_to_crm": { "runId": 7, "checkpoint": "...", "committedAt": "2026-03-01T12:00:00Z" } } }
 * }</pre>
 * Every change rewrites the file under a temporary name, forces it to disk and renames it into place, so a reader sees
 * the previous or the next version whole. Syncs of one connection share the file, so changes are serialised by a lock
 * file across processes and by a mutex within this one.
 */
final class StateFile {
    static final int FORMAT_VERSION = 1;
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    /**
     * A {@link FileLock} belongs to the whole JVM: a second channel of the same process asking for it fails instead of
     * waiting, so threads of one process take this mutex first; one per lock file, for the process's life.
     */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    @JsonPropertyOrder({"formatVersion", "states"})
    record Document(int formatVersion, SortedMap<String, Entry> states) {}

    @JsonPropertyOrder({"runId", "checkpoint", "committedAt"})
    record Entry(long runId, String checkpoint, String committedAt) {}

    private final Path file;
    private final Path lockFile;
    private final Path tempFile;

    StateFile(Path workspaceDir, String connection) {
        Path folder = workspaceDir.resolve(".tidemark").resolve("destinations");
        String stem = connection.replaceAll("[^A-Za-z0-9._-]", "_");
        this.file = folder.resolve(stem + ".json");
        this.lockFile = folder.resolve(stem + ".lock");
        this.tempFile = folder.resolve(stem + ".json.tmp");
    }

    Path path() { return file; }

    Optional<CommittedState> get(String syncKey) {
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

    void put(CommittedState state) {
        update(states -> states.put(state.syncKey(), new Entry(state.runId(), state.checkpoint(), state.committedAt().toString())));
    }

    void remove(String syncKey) { update(states -> states.remove(syncKey)); }

    /** Reads the file to prove it is valid; for {@code check}. */
    void validate() { read(); }

    private SortedMap<String, Entry> read() {
        Document doc;
        try {
            doc = MAPPER.readValue(Files.readAllBytes(file), Document.class);
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        } catch (JacksonException e) {
            throw invalid(e.getOriginalMessage());
        } catch (IOException e) {
            throw io("reading", e);
        }
        if (doc == null) throw invalid("it is empty");
        if (doc.formatVersion() > FORMAT_VERSION) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "state file " + file + " has format version "
                    + doc.formatVersion() + ", newer than this Tidemark reads (" + FORMAT_VERSION + "); upgrade Tidemark");
        }
        return doc.states() == null ? new TreeMap<>() : new TreeMap<>(doc.states());
    }

    private void update(Consumer<SortedMap<String, Entry>> change) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile.toRealPath(), p -> new ReentrantLock());
                local.lock();
                try (FileLock ignored = lock.lock()) {
                    SortedMap<String, Entry> states = read();
                    change.accept(states);
                    write(new Document(FORMAT_VERSION, states));
                } finally {
                    local.unlock();
                }
            }
        } catch (IOException e) {
            throw io("writing", e);
        }
    }

    private void write(Document document) throws IOException {
        try {
            try (FileChannel out = FileChannel.open(tempFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(MAPPER.writeValueAsBytes(document));
                while (bytes.hasRemaining()) out.write(bytes);
                out.force(true);
            }
            Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } finally {
            Files.deleteIfExists(tempFile);
        }
    }

    private TidemarkException invalid(String problem) {
        return new TidemarkException(ErrorCode.CONFIG_INVALID, "state file " + file + " is not valid: " + problem
                + "; restore it from a backup, or delete it so that every sync of this connection starts over with a first run "
                + "(which sends every record again)");
    }

    private TidemarkException io(String action, IOException e) {
        ErrorCode code = e instanceof AccessDeniedException ? ErrorCode.PERMISSION_DENIED : ErrorCode.IO_ERROR;
        return new TidemarkException(code, "error " + action + " state file " + file + ": " + e.getMessage()
                + "; check that the workspace folder is writable and has space, and run again", e);
    }
}
