package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.SyncType;
import io.tidemark.engine.ByteSize;
import io.tidemark.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "status", description = "Show a sync's state: paused or active, its last run, its checkpoint and, for "
        + "cdc syncs, the replication slot's lag at the source (bytes of log kept, and time behind).")
final class StatusCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            JsonNode status = backend.status(sync);
            System.out.print(json ? ApiJson.pretty(status) + "\n" : describe(status));
            return ExitCodes.OK;
        }
    }

    private static String describe(JsonNode s) {
        String sync = s.path("sync").asText();
        StringBuilder out = new StringBuilder();
        out.append("sync:       ").append(sync).append(" (").append(s.path("sync_type").asText()).append(")\n");
        out.append("state:      ").append(s.path("paused").asBoolean() ? "paused (`tidemark resume " + sync + "`)" : "active").append('\n');
        out.append("last run:   ").append(s.path("last_run").isObject() ? Tables.runLine(s.path("last_run"), true) : "none yet").append('\n');
        out.append("checkpoint: ").append(s.path("checkpoint").isTextual() ? s.path("checkpoint").asText() : "none (the next run is a first run)").append('\n');
        if (!s.path("sync_type").asText().equals(SyncType.CDC.configName())) return out.toString();
        JsonNode c = s.path("capture");
        if (!c.isObject()) {
            return out.append("capture:    none at the source: not started yet, or dropped or lost (then `tidemark resync ")
                    .append(sync).append("` starts a new one)\n").toString();
        }
        out.append("capture:    ").append(c.path("active").asBoolean() ? "reading now" : "idle").append("; confirmed ")
                .append(c.path("confirmed").asText()).append(", source log at ").append(c.path("current").asText()).append('\n');
        out.append("lag:        ").append(ByteSize.format(Tables.count(s, "capture_lag_bytes"))).append(" of log kept, ")
                .append(Tables.duration(s.path("capture_lag_ms"))).append(" behind\n");
        if (c.path("invalidated").isTextual()) {
            out.append("invalidated: ").append(c.path("invalidated").asText()).append("; `tidemark resync ").append(sync)
                    .append("` starts a new capture\n");
        }
        return out.toString();
    }
}
