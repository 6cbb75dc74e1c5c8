package io.tidemark.connector.duckdb;

import io.tidemark.api.ConnectorConfig;
import io.tidemark.testkit.ConnectorAcceptanceTest;

import java.nio.file.Path;
import java.util.Map;

class DuckDbConnectorAcceptanceTest extends ConnectorAcceptanceTest {

    @Override
    protected String connectorName() { return "duckdb"; }

    @Override
    protected ConnectorConfig freshConfig(Path workDir) {
        return new ConnectorConfig("wh", new DuckDbConnectorFactory().configSpec(), Map.of("path", "warehouse.duckdb"));
    }
}
