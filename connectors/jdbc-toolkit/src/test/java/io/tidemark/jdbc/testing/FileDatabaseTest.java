package io.tidemark.jdbc.testing;

import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Base of the shared tests for connectors whose database is one local file: the connector under test says how to make
 * it and how to open the file with plain JDBC, so that tests can check what Tidemark wrote with the database's own SQL.
 */
public abstract class FileDatabaseTest {
    protected static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    protected Path workDir;

    protected abstract ConnectorFactory factory();

    /** The database file's name inside {@link #workDir}. */
    protected abstract String fileName();

    /** A plain JDBC connection to the file, bypassing the connector. */
    protected abstract Connection connect(Path file) throws SQLException;

    /**
     * An integer as this database's driver hands it back from {@link #query}: drivers differ in whether a small
     * integer comes back as an {@code Integer} or a {@code Long}.
     */
    protected abstract Object storedInteger(long value);

    protected final Path file() { return workDir.resolve(fileName()); }

    /** The path is relative, so that the connector resolves it against the context's work directory. */
    protected final ConnectorConfig config() {
        return new ConnectorConfig("db", factory().configSpec(), Map.of("path", fileName()));
    }

    protected final ConnectorContext context() { return new ConnectorContext(Clock.fixed(NOW, ZoneOffset.UTC), workDir); }

    protected final void execute(String sql) throws SQLException {
        try (Connection c = connect(file()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Reads the whole table through {@code source} in small batches, ordered by its first column, a number. */
    protected static List<Object[]> readAll(Source source, StreamSchema schema) {
        ModelSpec model = ModelSpec.table(schema.id().name(), schema.id(), schema.primaryKey());
        List<Object[]> rows = new ArrayList<>();
        try (StreamReader r = source.read(new ReadRequest(model, schema, SyncType.FULL_REFRESH, Optional.empty(), 2))) {
            for (RowBatch b = r.next(); b != null; b = r.next()) rows.addAll(b.rows());
        }
        rows.sort(Comparator.comparingLong(row -> ((Number) row[0]).longValue()));
        return rows;
    }

    protected final List<List<Object>> query(String sql) throws SQLException {
        try (Connection c = connect(file()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
                rows.add(row);
            }
            return rows;
        }
    }
}
