package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.diff.ChangeClass;
import io.tidemark.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "plan", description = "Show what the next run of a diff sync would send — counts per change and sample "
        + "rows — without writing anything or moving the checkpoint.")
final class PlanCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            JsonNode plan = backend.plan(sync);
            System.out.print(json ? ApiJson.pretty(plan) + "\n" : describe(plan, backend.workspace().sync(sync)));
            return ExitCodes.OK;
        }
    }

    private static String describe(JsonNode plan, SyncConfig sync) {
        StringBuilder s = new StringBuilder(String.format("%s: plan of the next run — %,d rows read from model %s%n",
                plan.path("sync").asText(), Tables.count(plan, "rows_read"), sync.model()));
        for (ChangeClass c : ChangeClass.values()) {
            JsonNode each = plan.path(c.configName());
            s.append(String.format("  %-8s %,10d%s%n", c.configName(), Tables.count(each, "count"),
                    each.path("sent").asBoolean() ? "" : "   not sent: " + notSent(sync, c)));
        }
        s.append("Nothing was written to ").append(sync.destination()).append(" and the checkpoint did not move.\n");
        for (ChangeClass c : ChangeClass.values()) {
            JsonNode each = plan.path(c.configName());
            List<JsonNode> samples = each.path("samples").valueStream().toList();
            if (samples.isEmpty()) continue;
            long count = Tables.count(each, "count");
            s.append(String.format("%n%s (%s%s):%n", c.configName(), samples.size() < count
                    ? String.format("first %,d of %,d", samples.size(), count) : String.format("%,d", samples.size()),
                    c == ChangeClass.REMOVED ? ", by key" : ""));
            s.append(Tables.fieldRows(samples));
        }
        return s.toString();
    }

    /** Which setting keeps a class from being sent: insert mode sends only added rows; removals need a delete behavior. */
    private static String notSent(SyncConfig sync, ChangeClass c) {
        return c == ChangeClass.REMOVED && sync.mode().appliesRemovals() ? "delete_behavior " + sync.deleteBehavior().configName()
                : "mode " + sync.mode().configName();
    }
}
