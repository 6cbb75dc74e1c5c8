package io.tidemark.connector.postgres;

import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.TidemarkException;
import org.postgresql.Driver;
import org.postgresql.jdbc.PgConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A validated Postgres connection configuration. Holds the password, so it deliberately is not a record:
 * {@link #toString()} must never print it.
 */
final class PostgresConfig {
    /** Used directly rather than through DriverManager, which cannot see drivers of isolated class loaders. */
    private static final Driver DRIVER = new Driver();

    private final String connectionName;
    private final String url;
    private final String user;
    private final String password;
    private final String schema;
    private final String endpoint;

    private PostgresConfig(String connectionName, String url, String user, String password, String schema, String endpoint) {
        this.connectionName = connectionName;
        this.url = url;
        this.user = user;
        this.password = password;
        this.schema = schema;
        this.endpoint = endpoint;
    }

    static PostgresConfig from(ConnectorConfig config) {
        String url = config.require(PostgresConnectorFactory.URL);
        Properties parsed = url.startsWith("jdbc:postgresql:") ? Driver.parseURL(url, null) : null;
        if (parsed == null) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "connection \"" + config.name() + "\": url \""
                    + Sql.withoutQuery(url) + "\" is not a Postgres JDBC URL; write it as jdbc:postgresql://host:port/database");
        }
        String endpoint = parsed.getProperty("PGHOST") + ":" + parsed.getProperty("PGPORT") + "/" + parsed.getProperty("PGDBNAME");
        return new PostgresConfig(config.name(), url, config.get(PostgresConnectorFactory.USER).orElse(null),
                config.get(PostgresConnectorFactory.PASSWORD).orElse(null),
                config.get(PostgresConnectorFactory.SCHEMA).orElse(PostgresConnectorFactory.DEFAULT_SCHEMA), endpoint);
    }

    Connection connect() throws SQLException { return DRIVER.connect(url, properties()); }

    /**
     * A logical replication connection (a walsender bound to the database, which also runs simple SQL); the
     * replication protocol needs the simple query protocol.
     */
    PgConnection connectReplication() throws SQLException {
        Properties props = properties();
        props.setProperty("replication", "database");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "10");
        return DRIVER.connect(url, props).unwrap(PgConnection.class);
    }

    private Properties properties() {
        Properties props = new Properties();
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        props.setProperty("ApplicationName", "tidemark");
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        return props;
    }

    /** The schema used for stream ids without a namespace. */
    String schema() { return schema; }

    String user() { return user; }

    /** {@code host:port/database}, for messages. */
    String endpoint() { return endpoint; }

    /** Prefix for messages: {@code connection "wh" (127.0.0.1:5432/app)}. */
    String label() { return "connection \"" + connectionName + "\" (" + endpoint + ")"; }

    StreamId resolve(StreamId id) {
        return id.namespace() != null ? id : new StreamId(schema, id.name());
    }

    @Override
    public String toString() { return "PostgresConfig[" + connectionName + " " + endpoint + " user=" + user + " schema=" + schema + "]"; }
}
