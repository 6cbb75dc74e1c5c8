package io.tidemark.connector.sqlite;

import io.tidemark.api.ConnectorConfig;
import io.tidemark.testkit.ConnectorAcceptanceTest;

import java.nio.file.Path;
import java.util.Map;

class SqliteConnectorAcceptanceTest extends ConnectorAcceptanceTest {

    @Override
    protected String connectorName() { return "sqlite"; }

    @Override
    protected ConnectorConfig freshConfig(Path workDir) {
        return new ConnectorConfig("db", new SqliteConnectorFactory().configSpec(), Map.of("path", "data.sqlite"));
    }
}
