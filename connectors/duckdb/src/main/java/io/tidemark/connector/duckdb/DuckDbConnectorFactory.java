package io.tidemark.connector.duckdb;

import io.tidemark.api.Capability;
import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.Destination;
import io.tidemark.api.Source;
import io.tidemark.jdbc.JdbcDestination;
import io.tidemark.jdbc.JdbcSource;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A DuckDB database file, Tidemark's embedded default warehouse: a source (tables and SQL queries) and a
 * transactional destination loading through staged CSV files. See the module's README for types and guarantees.
 */
public final class DuckDbConnectorFactory implements ConnectorFactory {
    static final String PATH = "path";
    static final String SCHEMA = "schema";
    static final String DEFAULT_SCHEMA = "main";

    private static final ConfigSpec SPEC = ConfigSpec.of(
            ConfigField.required(PATH, ConfigField.Type.PATH,
                    "the database file, created when missing; relative paths resolve against the workspace folder"),
            ConfigField.optional(SCHEMA, ConfigField.Type.STRING, DEFAULT_SCHEMA,
                    "schema holding the tables read and written, created when missing"));

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.SOURCE, Capability.DESTINATION, Capability.TABLE_WRITES, Capability.STAGED_WRITES, Capability.TRANSACTIONAL_COMMIT, Capability.UPSERT, Capability.DELETE,
            Capability.ATOMIC_REPLACE, Capability.CURSOR_PUSHDOWN, Capability.QUERY_MODELS, Capability.BULK_LOAD,
            Capability.SCHEMA_EVOLUTION));

    @Override
    public String name() { return "duckdb"; }

    @Override
    public ConfigSpec configSpec() { return SPEC; }

    @Override
    public Set<Capability> capabilities() { return CAPABILITIES; }

    @Override
    public Source openSource(ConnectorConfig config, ConnectorContext context) {
        return new JdbcSource(DuckDbDatabase.of(config, context));
    }

    @Override
    public Destination openDestination(ConnectorConfig config, ConnectorContext context) {
        DuckDbDatabase db = DuckDbDatabase.of(config, context);
        return new JdbcDestination(db, CsvStagingLoader.factory(db.dialect()));
    }
}
