package io.tidemark.connector.duckdb;

import io.tidemark.api.ConnectorFactory;
import io.tidemark.jdbc.testing.KilledWriterTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared killed-writer test, plus: the killed writer's spool folder does not stay behind. */
class DuckDbCrashTest extends KilledWriterTest {
    @Override protected ConnectorFactory factory() { return new DuckDbConnectorFactory(); }
    @Override protected String fileName() { return "warehouse.duckdb"; }
    @Override protected Connection connect(Path file) throws SQLException { return DuckDbDatabase.open(file); }
    @Override protected Object storedInteger(long value) { return value; }

    @Override
    protected String shadowTablesQuery() {
        return "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_tidemark_shadow%'";
    }

    @Override
    protected void assertNothingLeftBehindBy(long killedPid) throws Exception {
        try (var leftovers = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                CsvStagingLoader.SPOOL_PREFIX + killedPid + "-*")) {
            assertThat(leftovers).as("the killed writer's spool folder is removed by the next writer").isEmpty();
        }
    }
}
