package io.tidemark.statefile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
 * The checkpoints committed by the syncs of a destination that cannot keep them in a transaction of its own (a folder
 * of files, an API), by sync key, in one JSON file. Version 1:
 * <pre>{@code
 * { "formatVersion": 1,
 *   "states": { "orders_to_files": { "runId": 7, "checkpoint": "...", "committedAt": "2026-03-01T12:00:00Z" } } }
 * }</pre>
 * Every change rewrites the file under a temporary name ({@code <file>.tmp}), forces it to disk and renames it into
 * place, so a reader sees the previous or the next version whole. Syncs share the file, so changes are serialised by a
 * lock file across processes and by a mutex within this one; the folder must exist. Methods throw {@link IOException}
 * for the caller to word in its own terms; a file that is not valid is a {@link ErrorCode#CONFIG_INVALID} error.
 */
public final class CommittedStateFile {
    public static final int FORMAT_VERSION = 1;
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            // Newer versions may add fields; an older reader ignores them rather than refusing the file.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
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
    private final String startingOver;

    /**
     * @param startingOver what deleting the file does, for the advice on a file that is not valid (e.g. "every sync
     *                     into this folder starts over with a first run")
     */
    public CommittedStateFile(Path file, Path lockFile, String startingOver) {
        this.file = file;
        this.lockFile = lockFile;
        this.tempFile = file.resolveSibling(file.getFileName() + ".tmp");
        this.startingOver = startingOver;
    }

    public Path path() { return file; }

    public Optional<CommittedState> get(String syncKey) throws IOException {
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

    public void put(CommittedState state) throws IOException {
        update(states -> states.put(state.syncKey(), new Entry(state.runId(), state.checkpoint(), state.committedAt().toString())));
    }

    public void remove(String syncKey) throws IOException { update(states -> states.remove(syncKey)); }

    /** Reads the file to prove it is valid; for {@code check}. */
    public void validate() throws IOException { read(); }

    private SortedMap<String, Entry> read() throws IOException {
        Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = MAPPER.readValue(in, Document.class);
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
                write(new Document(FORMAT_VERSION, states));
            } finally {
                local.unlock();
            }
        }
    }

    /** Indented, ending with a line feed like any text file; forced to disk, renamed into place, the folder synced. */
    private void write(Document document) throws IOException {
        try {
            try (FileChannel channel = FileChannel.open(tempFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(channel);
                MAPPER.writeValue(out, document);
                out.write('\n');
                out.flush();
                channel.force(true);
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
                + "; restore it from a backup, or delete it so that " + startingOver);
    }
}
