package io.tidemark.cli;

import io.tidemark.engine.ChangePlan;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.diff.ChangeClass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "plan", description = "Show what the next run of a diff sync would send — counts per change and sample "
        + "rows — without writing anything or moving the checkpoint.")
final class PlanCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (SyncEngine engine = workspace.openEngine()) {
            ChangePlan plan = engine.plan(sync);
            System.out.print(json ? RunJson.write(toJson(plan)) + "\n" : describe(plan, engine.workspace().sync(sync)));
            return ExitCodes.OK;
        }
    }

    private static String describe(ChangePlan plan, SyncConfig sync) {
        StringBuilder s = new StringBuilder(String.format("%s: plan of the next run — %,d rows read from model %s%n",
                plan.syncName(), plan.rowsRead(), sync.model()));
        for (ChangeClass c : ChangeClass.values()) {
            s.append(String.format("  %-8s %,10d%s%n", c.configName(), count(plan, c), sends(plan, c) ? "" : "   not sent: " + notSent(sync, c)));
        }
        s.append("Nothing was written to ").append(sync.destination()).append(" and the checkpoint did not move.\n");
        for (ChangeClass c : ChangeClass.values()) {
            List<Map<String, Object>> samples = plan.samples().getOrDefault(c, List.of());
            if (samples.isEmpty()) continue;
            s.append(String.format("%n%s (%s%s):%n", c.configName(), samples.size() < count(plan, c)
                    ? String.format("first %,d of %,d", samples.size(), count(plan, c)) : String.format("%,d", samples.size()),
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

    private static long count(ChangePlan plan, ChangeClass c) { return plan.counts().getOrDefault(c, 0L); }

    private static boolean sends(ChangePlan plan, ChangeClass c) { return plan.sends().getOrDefault(c, false); }

    private static Map<String, Object> toJson(ChangePlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sync", plan.syncName());
        m.put("rows_read", plan.rowsRead());
        Map<String, Object> sent = new LinkedHashMap<>();
        Map<String, Object> samples = new LinkedHashMap<>();
        for (ChangeClass c : ChangeClass.values()) {
            m.put(c.configName(), count(plan, c));
            sent.put(c.configName(), sends(plan, c));
            samples.put(c.configName(), plan.samples().getOrDefault(c, List.of()).stream().map(FieldValues::json).toList());
        }
        m.put("sent", sent);
        m.put("samples", samples);
        return m;
    }
}
