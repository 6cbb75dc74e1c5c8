package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "discover", description = "List a connection's tables, columns, keys, cursor candidates and sync types.")
final class DiscoverCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "CONNECTION") String connection;

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            List<JsonNode> streams = backend.discover(connection);
            if (json) {
                System.out.println(ApiJson.pretty(streams));
                return ExitCodes.OK;
            }
            for (JsonNode s : streams) {
                long estimated = s.path("estimated_rows").asLong(-1);
                System.out.printf("%s%s  [%s]%n", s.path("stream").asText(), estimated >= 0 ? "  (~" + estimated + " rows)" : "",
                        s.path("sync_types").valueStream().map(JsonNode::asText).collect(Collectors.joining(", ")));
                List<String> key = texts(s.path("primary_key"));
                List<String> cursors = texts(s.path("cursor_candidates"));
                for (JsonNode c : s.path("columns")) {
                    String name = c.path("name").asText();
                    String marks = (key.contains(name) ? " PK" : "") + (cursors.contains(name) ? " cursor?" : "");
                    System.out.printf("    %-32s %-20s%s%n", name, c.path("native_type").isTextual() ? c.path("native_type").asText()
                            : c.path("type").asText(), marks);
                }
            }
            return ExitCodes.OK;
        }
    }

    private static List<String> texts(JsonNode array) { return array.valueStream().map(JsonNode::asText).toList(); }
}
