package io.tidemark.connector.sqlite;

import io.tidemark.api.CheckReport;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.Problem;
import io.tidemark.jdbc.Catalog;
import io.tidemark.jdbc.DatabaseFile;
import io.tidemark.jdbc.JdbcDatabase;
import io.tidemark.jdbc.SqlErrors;
import org.sqlite.SQLiteConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * One SQLite file, in WAL mode so that readers keep reading while a writer's run-long transaction is open. Each
 * call gets its own connection (opening one is a file open); writers begin their transactions IMMEDIATE, taking
 * the write lock up front instead of failing halfway when another process wrote in between.
 */
final class SqliteDatabase implements JdbcDatabase {
    /** SQLite's name for the file's own schema. */
    static final String NAMESPACE = "main";
    /** How long a writer waits for another process's write lock before failing with a retryable error. */
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final DatabaseFile file;
    private final SqliteDialect dialect;
    private final SqliteCatalog catalog;

    SqliteDatabase(DatabaseFile file) {
        this.file = file;
        this.dialect = new SqliteDialect(file.fileName());
        this.catalog = new SqliteCatalog(dialect, NAMESPACE);
    }

    static SqliteDatabase of(ConnectorConfig config, ConnectorContext context) {
        return new SqliteDatabase(DatabaseFile.of(config, SqliteConnectorFactory.PATH, context, "SQLite"));
    }

    @Override
    public String connectionName() { return file.connectionName(); }

    @Override
    public SqliteDialect dialect() { return dialect; }

    @Override
    public Catalog catalog() { return catalog; }

    @Override
    public String defaultNamespace() { return NAMESPACE; }

    @Override
    public Connection connect(Access access) {
        try {
            return open(access);
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, connectionName(), "opening " + file.path(), e);
        }
    }

    private Connection open(Access access) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        if (access == Access.WRITE) config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return DriverManager.getConnection("jdbc:sqlite:" + file.path(), config.toProperties());
    }

    @Override
    public CheckReport check() {
        return file.check(this::probe);
    }

    /** Opening succeeds on any file; the first read of the schema is what meets "file is not a database". */
    private Optional<Problem> probe() {
        try (Connection c = open(Access.READ); Statement s = c.createStatement()) {
            s.execute("SELECT count(*) FROM sqlite_schema");
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(SqlErrors.problem(dialect, connectionName(), "opening " + file.path(), e));
        }
    }

    /** Nothing is held between calls. */
    @Override
    public void close() {}
}
