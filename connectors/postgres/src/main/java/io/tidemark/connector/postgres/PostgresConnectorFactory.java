package io.tidemark.connector.postgres;

import io.tidemark.api.Capability;
import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.Destination;
import io.tidemark.api.Source;

import java.util.EnumSet;
import java.util.Set;

/** The {@code postgres} connector: a Postgres database as source and destination. */
public final class PostgresConnectorFactory implements ConnectorFactory {

    static final String URL = "url";
    static final String USER = "user";
    static final String PASSWORD = "password";
    static final String SCHEMA = "schema";
    static final String DEFAULT_SCHEMA = "public";

    private static final ConfigSpec SPEC = ConfigSpec.of(
            ConfigField.required(URL, ConfigField.Type.STRING, "JDBC URL: jdbc:postgresql://host:port/database"),
            ConfigField.optional(USER, ConfigField.Type.STRING, null, "database user"),
            ConfigField.secret(PASSWORD, "the user's password; give it as ${ENV_VAR}"),
            ConfigField.optional(SCHEMA, ConfigField.Type.STRING, DEFAULT_SCHEMA,
                    "schema for tables named without one; holds the _tidemark_state table of a destination"));

    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.SOURCE, Capability.DESTINATION, Capability.TABLE_WRITES, Capability.STAGED_WRITES, Capability.TRANSACTIONAL_COMMIT, Capability.UPSERT,
            Capability.DELETE, Capability.ATOMIC_REPLACE, Capability.CURSOR_PUSHDOWN, Capability.QUERY_MODELS, Capability.BULK_LOAD,
            Capability.SCHEMA_EVOLUTION, Capability.CDC));

    @Override
    public String name() { return "postgres"; }

    @Override
    public ConfigSpec configSpec() { return SPEC; }

    @Override
    public Set<Capability> capabilities() { return CAPABILITIES; }

    @Override
    public Source openSource(ConnectorConfig config, ConnectorContext context) {
        return new PostgresSource(PostgresConfig.from(config));
    }

    @Override
    public Destination openDestination(ConnectorConfig config, ConnectorContext context) {
        return new PostgresDestination(PostgresConfig.from(config));
    }
}
