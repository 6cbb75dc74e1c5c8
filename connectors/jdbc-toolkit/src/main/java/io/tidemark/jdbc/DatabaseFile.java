package io.tidemark.jdbc;

import io.tidemark.api.CheckReport;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A database living in one file (DuckDB, SQLite): where the file is, and the file-system checks such databases
 * share. The folder must be writable even when the file exists, because both keep a journal beside it.
 *
 * @param product the database's name for messages, e.g. {@code DuckDB}
 */
public record DatabaseFile(String connectionName, Path path, String product) {
    public DatabaseFile {
        Objects.requireNonNull(connectionName, "connectionName");
        Objects.requireNonNull(product, "product");
        path = path.toAbsolutePath().normalize();
    }

    /** The file named by the config field {@code field}; a relative path resolves against the workspace folder. */
    public static DatabaseFile of(ConnectorConfig config, String field, ConnectorContext context, String product) {
        Path configured = config.path(field);
        Path path = configured.isAbsolute() ? configured : context.workspaceDir().resolve(configured);
        return new DatabaseFile(config.name(), path, product);
    }

    public Path folder() { return path.getParent(); }

    public String fileName() { return path.getFileName().toString(); }

    /**
     * Checks the folder and the file, then, when the file exists and nothing is wrong so far, runs {@code probe}
     * (which opens the database and returns the problem it met). A missing file is fine: it is created on first use.
     */
    public CheckReport check(Supplier<Optional<Problem>> probe) {
        List<String> passed = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        String where = SqlErrors.prefix(connectionName);
        Path folder = folder();
        if (!Files.isDirectory(folder)) {
            problems.add(new Problem(ErrorCode.CONFIG_INVALID, where + "folder " + folder + " does not exist",
                    "create the folder or fix the connection's path"));
        } else if (!Files.isWritable(folder)) {
            problems.add(new Problem(ErrorCode.PERMISSION_DENIED, where + "folder " + folder + " is not writable",
                    "give this user write access to " + folder + " (" + product + " keeps its journal beside the file)"));
        } else {
            passed.add(where + "folder " + folder + " is writable");
        }
        if (Files.isDirectory(path)) {
            problems.add(new Problem(ErrorCode.CONFIG_INVALID, where + path + " is a folder, not a " + product + " file",
                    "point path at a database file, e.g. " + path.resolve("warehouse.db")));
        } else if (Files.exists(path)) {
            if (!Files.isReadable(path) || !Files.isWritable(path)) {
                problems.add(new Problem(ErrorCode.PERMISSION_DENIED, where + path + " is not readable and writable",
                        "give this user read and write access to " + path));
            }
            if (problems.isEmpty()) {
                Optional<Problem> problem = probe.get();
                problem.ifPresent(problems::add);
                if (problem.isEmpty()) passed.add(where + path + " opens as a " + product + " database");
            }
        } else if (problems.isEmpty()) {
            passed.add(where + fileName() + " does not exist yet; it is created on first use");
        }
        return new CheckReport(passed, problems);
    }
}
