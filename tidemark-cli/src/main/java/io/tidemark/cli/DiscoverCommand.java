package io.tidemark.cli;

import io.tidemark.api.Column;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.SyncType;
import io.tidemark.engine.SyncEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "discover", description = "List a connection's tables, columns, keys, cursor candidates and sync types.")
final class DiscoverCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "CONNECTION") String connection;

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (SyncEngine engine = workspace.openEngine()) {
            List<DiscoveredStream> streams = engine.discover(connection);
            if (json) {
                System.out.println(RunJson.write(streams.stream().map(DiscoverCommand::toJson).toList()));
                return ExitCodes.OK;
            }
            for (DiscoveredStream s : streams) {
                System.out.printf("%s%s  [%s]%n", s.schema().id(), s.estimatedRows() >= 0 ? "  (~" + s.estimatedRows() + " rows)" : "",
                        s.supportedSyncTypes().stream().map(SyncType::configName).sorted().collect(Collectors.joining(", ")));
                for (Column c : s.schema().columns()) {
                    String marks = (s.schema().primaryKey().contains(c.name()) ? " PK" : "")
                            + (s.cursorCandidates().contains(c.name()) ? " cursor?" : "");
                    System.out.printf("    %-32s %-20s%s%n", c.name(), c.nativeType() != null ? c.nativeType() : c.type(), marks);
                }
            }
            return ExitCodes.OK;
        }
    }

    private static Map<String, Object> toJson(DiscoveredStream s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream", s.schema().id().toString());
        m.put("columns", s.schema().columns().stream().map(c -> {
            Map<String, Object> col = new LinkedHashMap<>();
            col.put("name", c.name());
            col.put("type", c.type().toString());
            col.put("native_type", c.nativeType());
            col.put("nullable", c.nullable());
            return col;
        }).toList());
        m.put("primary_key", s.schema().primaryKey());
        m.put("cursor_candidates", s.cursorCandidates());
        m.put("sync_types", s.supportedSyncTypes().stream().map(SyncType::configName).sorted().toList());
        m.put("estimated_rows", s.estimatedRows());
        return m;
    }
}
