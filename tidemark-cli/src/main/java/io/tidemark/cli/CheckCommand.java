package io.tidemark.cli;

import io.tidemark.api.Problem;
import io.tidemark.engine.CheckItem;
import io.tidemark.engine.SyncEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "check", description = "Validate connections and syncs; report every problem with its fix.")
final class CheckCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(arity = "0..*", paramLabel = "SYNC", description = "Syncs to check (default: everything).")
    List<String> syncs = new ArrayList<>();

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (SyncEngine engine = workspace.openEngine()) {
            List<CheckItem> items = engine.check(syncs);
            int exit = items.stream().flatMap(i -> i.report().problems().stream())
                    .mapToInt(p -> p.code().exitCode()).max().orElse(ExitCodes.OK);
            if (json) {
                System.out.println(RunJson.write(items.stream().map(CheckCommand::toJson).toList()));
            } else {
                for (CheckItem item : items) {
                    System.out.println((item.report().ok() ? "ok   " : "FAIL ") + item.subject());
                    item.report().passed().forEach(p -> System.out.println("       ✓ " + p));
                    for (Problem p : item.report().problems()) {
                        System.out.println("       ✗ [" + p.code().code() + "] " + p.message());
                        System.out.println("         fix: " + p.fix());
                    }
                }
            }
            return exit;
        }
    }

    private static Map<String, Object> toJson(CheckItem item) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", item.subject());
        m.put("ok", item.report().ok());
        m.put("passed", item.report().passed());
        m.put("problems", item.report().problems().stream().map(p -> Map.of("code", p.code().code(),
                "message", p.message(), "fix", p.fix())).toList());
        return m;
    }
}
