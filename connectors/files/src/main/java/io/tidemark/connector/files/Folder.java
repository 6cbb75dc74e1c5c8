package io.tidemark.connector.files;

import io.tidemark.statefile.CommittedStateFile;
import io.tidemark.api.CheckReport;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The layout of a files connection: {@code <path>/[<namespace>/]<stream>.<ext>} with its schema sidecar
 * {@code <stream>.schema.json} beside it, and {@code _tidemark_state.json} at the top. Files and folders whose
 * name starts with {@value #RESERVED_PREFIX} or {@code .} are not streams.
 */
final class Folder {
    static final String RESERVED_PREFIX = "_tidemark_";
    /** Rows read to infer the types of a file without a sidecar. */
    static final int SAMPLE_ROWS = 1000;
    private static final String TEMP_MARK = ".tmp-";

    private final String where;
    private final Path root;
    private final FileFormat format;
    private final CommittedStateFile state;

    private Folder(String where, Path root, FileFormat format) {
        this.where = where;
        this.root = root;
        this.format = format;
        this.state = new CommittedStateFile(root.resolve(RESERVED_PREFIX + "state.json"), root.resolve(RESERVED_PREFIX + "state.lock"),
                "every sync into this folder starts over with a first run");
    }

    static Folder of(ConnectorConfig config, ConnectorContext context) {
        String where = "connection \"" + config.name() + "\": ";
        Path root = context.workspaceDir().resolve(config.path(FilesConnectorFactory.PATH)).toAbsolutePath().normalize();
        String formatName = config.get(FilesConnectorFactory.FORMAT).orElse("csv");
        FileFormat format = FileFormat.named(formatName).orElseThrow(() -> new TidemarkException(ErrorCode.CONFIG_INVALID,
                where + "format \"" + formatName + "\" is not supported; set format to csv or jsonl"));
        return new Folder(where, root, format);
    }

    /** The prefix of every message about this connection: {@code connection "name": }. */
    String where() { return where; }

    Path root() { return root; }

    FileFormat format() { return format; }

    CommittedStateFile state() { return state; }

    Path dir(StreamId id) { return id.namespace() == null ? root : root.resolve(id.namespace()); }

    Path dataFile(StreamId id) { return dir(id).resolve(id.name() + "." + format.extension()); }

    Path sidecarFile(StreamId id) { return dir(id).resolve(id.name() + ".schema.json"); }

    /** Where an upsert keeps the rows it receives until it merges them at commit. */
    Path spoolFile(StreamId id) { return dir(id).resolve(id.name() + "." + format.extension() + ".incoming"); }

    /** The temporary name {@code file} is written under by run {@code runId}. */
    static Path tempOf(Path file, long runId) { return file.resolveSibling(file.getFileName() + TEMP_MARK + runId); }

    /** {@code id} if its parts are usable as file names; a name like {@code ../x} would escape the folder. */
    StreamId checked(StreamId id) {
        if (id.namespace() != null) checkSegment("namespace", id.namespace());
        checkSegment("stream name", id.name());
        return id;
    }

    private void checkSegment(String what, String segment) {
        if (segment.isEmpty() || segment.startsWith(".") || segment.startsWith(RESERVED_PREFIX) || segment.contains("/")
                || segment.contains("\\") || segment.indexOf('\0') >= 0) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + what + " \"" + segment + "\" cannot be a file name "
                    + "(it must not be empty, contain / or \\, or start with \".\" or \"" + RESERVED_PREFIX + "\"); rename the table");
        }
    }

    /** The streams in the folder and its direct subfolders (namespaces), sorted. */
    List<StreamId> streams() {
        requireFolder();
        List<StreamId> found = new ArrayList<>();
        try {
            collect(root, null, found);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, p -> Files.isDirectory(p) && isVisible(p))) {
                for (Path dir : dirs) collect(dir, dir.getFileName().toString(), found);
            }
        } catch (IOException e) {
            throw io("listing", root, e);
        }
        found.sort(Comparator.comparing(StreamId::toString));
        return found;
    }

    private void collect(Path dir, String namespace, List<StreamId> into) throws IOException {
        String suffix = "." + format.extension();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> isVisible(p) && Files.isRegularFile(p))) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(suffix) && name.length() > suffix.length()) {
                    into.add(new StreamId(namespace, name.substring(0, name.length() - suffix.length())));
                }
            }
        }
    }

    private static boolean isVisible(Path p) {
        String name = p.getFileName().toString();
        return !name.startsWith(".") && !name.startsWith(RESERVED_PREFIX);
    }

    /**
     * The schema of a stream: from its sidecar, or inferred from the first {@value #SAMPLE_ROWS} rows (then without a
     * primary key); empty when the data file does not exist.
     */
    Optional<StreamSchema> schema(StreamId id) {
        Path data = dataFile(checked(id));
        if (!Files.isRegularFile(data)) return Optional.empty();
        Path sidecar = sidecarFile(id);
        try {
            if (Files.exists(sidecar)) return Optional.of(SchemaSidecar.read(sidecar, id));
            try (InputStream in = Files.newInputStream(data)) {
                return Optional.of(new StreamSchema(id, format.infer(in, data, SAMPLE_ROWS), List.of(), null));
            }
        } catch (IOException e) {
            throw io("reading", data, e);
        }
    }

    TidemarkException streamNotFound(StreamId id) {
        List<StreamId> streams = streams();
        String existing = streams.isEmpty() ? "it holds no ." + format.extension() + " files"
                : "streams: " + streams.stream().map(StreamId::toString).collect(Collectors.joining(", "));
        return new TidemarkException(ErrorCode.TABLE_NOT_FOUND, where + "stream " + id + " not found: no file " + dataFile(id)
                + " (" + existing + "); check the model's table and the connection's path and format");
    }

    /** Deletes temporary files that runs of {@code id} left behind (killed mid-write), except {@code keep}. */
    void removeTempFiles(StreamId id, Collection<Path> keep) {
        Path dir = dir(id);
        if (!Files.isDirectory(dir)) return;
        List<String> prefixes = Stream.of(dataFile(id), sidecarFile(id), spoolFile(id)).map(p -> p.getFileName() + TEMP_MARK).toList();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> prefixes.stream().anyMatch(p.getFileName().toString()::startsWith) && !keep.contains(p))) {
            for (Path stray : entries) Files.deleteIfExists(stray);
        } catch (IOException e) {
            throw io("removing temporary files in", dir, e);
        }
    }

    /** Every problem with the folder at once. A destination also needs to write, and its state file to be valid. */
    CheckReport check(boolean forWriting) {
        List<String> passed = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (!Files.exists(root)) {
            problems.add(new Problem(ErrorCode.NOT_FOUND, where + "folder " + root + " does not exist",
                    "create it (mkdir -p " + root + ") or set path to an existing folder"));
            return new CheckReport(passed, problems);
        }
        if (!Files.isDirectory(root)) {
            problems.add(new Problem(ErrorCode.CONFIG_INVALID, where + root + " is a file, not a folder", "set path to a folder"));
            return new CheckReport(passed, problems);
        }
        passed.add("folder " + root + " exists");
        boolean readable = Files.isReadable(root) && Files.isExecutable(root);
        if (readable) passed.add("folder " + root + " is readable");
        else problems.add(new Problem(ErrorCode.PERMISSION_DENIED, where + "folder " + root + " is not readable",
                "give the user running Tidemark read access (chmod u+rx " + root + ")"));
        if (forWriting) {
            if (Files.isWritable(root)) passed.add("folder " + root + " is writable");
            else problems.add(new Problem(ErrorCode.PERMISSION_DENIED, where + "folder " + root + " is not writable",
                    "give the user running Tidemark write access (chmod u+w " + root + "), or remount it read-write"));
        }
        if (!readable) return new CheckReport(passed, problems);
        List<StreamId> streams;
        try {
            streams = streams();
        } catch (TidemarkException e) {
            problems.add(Problem.of(e, "make the folder listable by the user running Tidemark"));
            return new CheckReport(passed, problems);
        }
        for (StreamId id : streams) {
            Path sidecar = sidecarFile(id);
            if (Files.exists(sidecar)) checkReadable(sidecar, () -> SchemaSidecar.read(sidecar, id),
                    "correct it, or delete it to infer the column types from the data", passed, problems);
        }
        if (forWriting && Files.exists(state.path())) {
            checkReadable(state.path(), state::validate,
                    "restore it from a backup, or delete it so that every sync into this folder starts over", passed, problems);
        }
        return new CheckReport(passed, problems);
    }

    private void checkReadable(Path file, IoAction read, String fix, List<String> passed, List<Problem> problems) {
        try {
            read.run();
            passed.add(file.getFileName() + " is valid");
        } catch (TidemarkException e) {
            problems.add(Problem.of(e, fix));
        } catch (IOException e) {
            problems.add(Problem.of(io("reading", file, e), "make the file readable by the user running Tidemark"));
        }
    }

    void requireFolder() {
        if (!Files.isDirectory(root)) {
            throw new TidemarkException(ErrorCode.NOT_FOUND, where + "folder " + root + " does not exist or is not a folder; "
                    + "create it (mkdir -p " + root + ") or set path to an existing folder");
        }
    }

    TidemarkException io(String action, Path path, IOException e) { return IoErrors.of(where, action, path, e); }

    /** Runs {@code work}, reporting a failure as {@code action} on {@code path}. */
    void attempt(String action, Path path, IoAction work) {
        try {
            work.run();
        } catch (IOException e) {
            throw io(action, path, e);
        }
    }
}
