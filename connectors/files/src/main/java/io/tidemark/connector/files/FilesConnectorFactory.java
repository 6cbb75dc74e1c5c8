package io.tidemark.connector.files;

import io.tidemark.api.Capability;
import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.Destination;
import io.tidemark.api.Source;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A folder of CSV or JSONL files, one file per stream, as a source and a destination. See the module's README for
 * the layout, the formats and the crash guarantees.
 *
 * <p>Not {@link Capability#TRANSACTIONAL_COMMIT}: a file system cannot rename two files in one step. Data is
 * renamed into place first and the checkpoint second, so a crash between them replays the run, which every write
 * mode absorbs (replace rewrites, upsert overwrites by key, append skips rows it holds; see {@link ChangesWriter} for
 * keyed changes).
 */
public final class FilesConnectorFactory implements ConnectorFactory {
    static final String PATH = "path";
    static final String FORMAT = "format";

    private static final ConfigSpec SPEC = ConfigSpec.of(
            ConfigField.required(PATH, ConfigField.Type.PATH,
                    "folder holding one file per stream; relative paths resolve against the workspace folder"),
            ConfigField.optional(FORMAT, ConfigField.Type.ENUM, "csv", "file format: csv or jsonl"));

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.SOURCE, Capability.DESTINATION, Capability.TABLE_WRITES, Capability.STAGED_WRITES, Capability.UPSERT, Capability.DELETE, Capability.ATOMIC_REPLACE,
            Capability.CURSOR_PUSHDOWN, Capability.SCHEMA_EVOLUTION));

    @Override
    public String name() { return "files"; }

    @Override
    public ConfigSpec configSpec() { return SPEC; }

    @Override
    public Set<Capability> capabilities() { return CAPABILITIES; }

    @Override
    public Source openSource(ConnectorConfig config, ConnectorContext context) {
        return new FilesSource(Folder.of(config, context));
    }

    @Override
    public Destination openDestination(ConnectorConfig config, ConnectorContext context) {
        return new FilesDestination(Folder.of(config, context));
    }
}
