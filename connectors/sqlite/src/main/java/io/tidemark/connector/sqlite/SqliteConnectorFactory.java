package io.tidemark.connector.sqlite;

import io.tidemark.api.Capability;
import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.Destination;
import io.tidemark.api.Source;
import io.tidemark.jdbc.BatchInsertLoader;
import io.tidemark.jdbc.JdbcDestination;
import io.tidemark.jdbc.JdbcSource;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A SQLite database file as a source (tables and SQL queries) and a transactional destination. Rows load through
 * prepared-statement batches inside the run's one transaction, SQLite's fastest path (it is an in-process library:
 * a statement execution is a function call, and the cost is in the single commit). See the module's README.
 */
public final class SqliteConnectorFactory implements ConnectorFactory {
    static final String PATH = "path";

    private static final ConfigSpec SPEC = ConfigSpec.of(ConfigField.required(PATH, ConfigField.Type.PATH,
            "the database file, created when missing; relative paths resolve against the workspace folder"));

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.SOURCE, Capability.DESTINATION, Capability.TABLE_WRITES, Capability.STAGED_WRITES, Capability.TRANSACTIONAL_COMMIT, Capability.UPSERT, Capability.DELETE,
            Capability.ATOMIC_REPLACE, Capability.CURSOR_PUSHDOWN, Capability.QUERY_MODELS, Capability.SCHEMA_EVOLUTION));

    @Override
    public String name() { return "sqlite"; }

    @Override
    public ConfigSpec configSpec() { return SPEC; }

    @Override
    public Set<Capability> capabilities() { return CAPABILITIES; }

    @Override
    public Source openSource(ConnectorConfig config, ConnectorContext context) {
        return new JdbcSource(SqliteDatabase.of(config, context));
    }

    @Override
    public Destination openDestination(ConnectorConfig config, ConnectorContext context) {
        SqliteDatabase db = SqliteDatabase.of(config, context);
        return new JdbcDestination(db, BatchInsertLoader.factory(db.dialect()));
    }
}
