package io.tidemark.connector.postgres;

import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.Destination;
import io.tidemark.api.Source;
import io.tidemark.testkit.PostgresServer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A fresh database on the shared embedded server, with the connector's source and destination opened on it. */
final class TestDatabase implements AutoCloseable {
    static final PostgresConnectorFactory FACTORY = new PostgresConnectorFactory();

    final PostgresServer server;
    final String name;
    final Source source;
    final Destination destination;

    private TestDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
        ConnectorConfig config = config(server.jdbcUrl(name), PostgresServer.USER, null);
        ConnectorContext context = new ConnectorContext(Clock.systemUTC(), Path.of("."));
        this.source = FACTORY.openSource(config, context);
        this.destination = FACTORY.openDestination(config, context);
    }

    static TestDatabase create(PostgresServer server, String prefix) {
        return new TestDatabase(server, server.createDatabase(prefix));
    }

    static ConnectorConfig config(String url, String user, String password) {
        Map<String, String> values = new HashMap<>(Map.of("url", url, "user", user, "schema", "public"));
        if (password != null) values.put("password", password);
        return new ConnectorConfig("pg", FACTORY.configSpec(), values);
    }

    String url() { return server.jdbcUrl(name); }

    void execute(String... statements) { server.execute(name, statements); }

    /** Rows of a query with every value as Postgres' own text, so comparisons see exactly what is stored. */
    List<List<String>> rows(String sql) {
        try (Connection c = server.connect(name); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int width = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= width; i++) row.add(rs.getString(i));
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    String value(String sql) { return rows(sql).getFirst().getFirst(); }

    /** {@code column: type} of a table, in column order. */
    List<String> columnTypes(String table) {
        return rows("select attname || ': ' || format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'public."
                + table + "'::regclass and attnum > 0 and not attisdropped order by attnum").stream().map(List::getFirst).toList();
    }

    @Override
    public void close() {
        source.close();
        destination.close();
    }
}
