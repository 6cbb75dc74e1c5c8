package io.tidemark.connector.sqlite;

import io.tidemark.api.ConnectorFactory;
import io.tidemark.jdbc.testing.KilledWriterTest;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The shared killed-writer test against a SQLite file. */
class SqliteCrashTest extends KilledWriterTest {
    @Override protected ConnectorFactory factory() { return new SqliteConnectorFactory(); }
    @Override protected String fileName() { return "data.sqlite"; }
    @Override protected Connection connect(Path file) throws SQLException { return DriverManager.getConnection("jdbc:sqlite:" + file); }
    @Override protected Object storedInteger(long value) { return Math.toIntExact(value); }
    @Override protected String shadowTablesQuery() { return "SELECT name FROM sqlite_schema WHERE name LIKE '_tidemark_shadow%'"; }
}
