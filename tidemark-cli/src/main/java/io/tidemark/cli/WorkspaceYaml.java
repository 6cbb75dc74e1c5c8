package io.tidemark.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.engine.config.ConfigError;
import io.tidemark.engine.config.ConfigException;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.engine.config.WorkspaceLoader;

import java.nio.file.Path;
import java.util.List;

/** Workspace documents as {@code export} and {@code apply} handle them: YAML in, the server's YAML out. */
final class WorkspaceYaml {
    /** A repeated key is an error, as in the loader and the API: "last one wins" would hide a mistake. */
    private static final ObjectMapper READER = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final YAMLMapper WRITER = new YAMLMapper();

    private WorkspaceYaml() {}

    /** Parsed and written out again the way the server exports a workspace (its key order, no comments). */
    static String normalise(Path origin, String yaml) {
        try {
            return WRITER.writeValueAsString(read(origin, yaml));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a parsed YAML tree", e);
        }
    }

    /**
     * Validates a workspace as written, for comparing one version with another: {@code ${ENV}} references stay as
     * they are (they are the file's content; what they resolve to is this shell's business, not the workspace's).
     */
    static WorkspaceConfig parseAsWritten(Path origin, JsonNode tree) {
        return new WorkspaceLoader(ConnectorRegistry.load(), name -> "${" + name + "}").parse(origin, tree);
    }

    static JsonNode read(Path origin, String yaml) {
        try {
            JsonNode tree = READER.readTree(yaml);
            return tree == null ? READER.createObjectNode() : tree;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "(file)" : "line " + e.getLocation().getLineNr();
            throw new ConfigException(List.of(new ConfigError(origin.toString(), where, "not valid YAML: " + e.getOriginalMessage())));
        }
    }
}
