package io.tidemark.connector.files;

import io.tidemark.api.ConnectorConfig;
import io.tidemark.testkit.ConnectorAcceptanceTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class JsonlFilesConnectorAcceptanceTest extends ConnectorAcceptanceTest {
    @Override
    protected String connectorName() { return "files"; }

    @Override
    protected ConnectorConfig freshConfig(Path workDir) throws Exception {
        Files.createDirectories(workDir.resolve("out"));
        // Relative on purpose: it must resolve against the workspace folder.
        return new ConnectorConfig("files", new FilesConnectorFactory().configSpec(), Map.of("path", "out", "format", "jsonl"));
    }
}
