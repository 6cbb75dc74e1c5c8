package io.tidemark.connector.duckdb;

import io.tidemark.api.CheckReport;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.Problem;
import io.tidemark.jdbc.Catalog;
import io.tidemark.jdbc.DatabaseFile;
import io.tidemark.jdbc.JdbcDatabase;
import io.tidemark.jdbc.SqlErrors;
import org.duckdb.DuckDBConnection;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * One DuckDB file. DuckDB lets a single process open a file for writing, so the file is opened lazily, once, and
 * closed in {@link #close()}; readers and writers get cheap duplicates of that connection, which share the database
 * (and its transaction manager) in-process. A source and a destination on the same file in one process share it too:
 * the driver caches the database instance per file.
 */
final class DuckDbDatabase implements JdbcDatabase {
    private final DatabaseFile file;
    private final String schema;
    private final DuckDbDialect dialect;
    private final DuckDbCatalog catalog;
    private DuckDBConnection primary;

    DuckDbDatabase(DatabaseFile file, String schema) {
        this.file = file;
        this.schema = schema;
        this.dialect = new DuckDbDialect(file.fileName());
        this.catalog = new DuckDbCatalog(dialect, schema);
    }

    static DuckDbDatabase of(ConnectorConfig config, ConnectorContext context) {
        return new DuckDbDatabase(DatabaseFile.of(config, DuckDbConnectorFactory.PATH, context, "DuckDB"),
                config.get(DuckDbConnectorFactory.SCHEMA).filter(s -> !s.isBlank()).orElse(DuckDbConnectorFactory.DEFAULT_SCHEMA));
    }

    @Override
    public String connectionName() { return file.connectionName(); }

    @Override
    public DuckDbDialect dialect() { return dialect; }

    @Override
    public Catalog catalog() { return catalog; }

    @Override
    public String defaultNamespace() { return schema; }

    @Override
    public Connection connect(Access access) {
        try {
            return primary().duplicate();
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, connectionName(), "opening " + file.path(), e);
        }
    }

    private synchronized DuckDBConnection primary() throws SQLException {
        if (primary == null) primary = open(file.path());
        return primary;
    }

    /**
     * Opens {@code path} with results streamed chunk by chunk: without {@code jdbc_stream_results} the driver
     * materialises a whole result in native memory before the first row (measured: 0.8 GB for a 3M-row scan). The
     * driver shares one database per file in-process and refuses a second opener with other properties, so
     * everything in this process that opens the file goes through here.
     */
    static DuckDBConnection open(Path path) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        return DriverManager.getConnection("jdbc:duckdb:" + path, properties).unwrap(DuckDBConnection.class);
    }

    @Override
    public CheckReport check() {
        return file.check(this::probe);
    }

    private Optional<Problem> probe() {
        try (Connection c = primary().duplicate(); Statement s = c.createStatement()) {
            s.execute("SELECT count(*) FROM duckdb_tables()");
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(SqlErrors.problem(dialect, connectionName(), "opening " + file.path(), e));
        }
    }

    @Override
    public synchronized void close() {
        if (primary == null) return;
        try {
            primary.close();
        } catch (SQLException ignored) {
            // the process is letting go of the file; nothing else to do
        } finally {
            primary = null;
        }
    }
}
