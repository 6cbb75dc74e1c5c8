package io.tidemark.connector.postgres;

import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.testkit.ConnectorAcceptanceTest;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.Map;

@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresConnectorAcceptanceTest extends ConnectorAcceptanceTest {
    private static PostgresServer server;

    @BeforeAll
    static void server(PostgresServer shared) { server = shared; }

    @Override
    protected String connectorName() { return "postgres"; }

    @Override
    protected ConnectorConfig freshConfig(Path workDir) {
        String database = server.createDatabase("acceptance");
        ConnectorFactory postgres = new PostgresConnectorFactory();
        return new ConnectorConfig("pg", postgres.configSpec(), Map.of("url", server.jdbcUrl(database), "user", PostgresServer.USER, "schema", "public"));
    }
}
