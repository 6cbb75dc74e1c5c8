package io.tidemark.cli;

import io.tidemark.engine.SyncEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", description = "Run syncs now (all enabled syncs when none is named).")
final class RunCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(arity = "0..*", paramLabel = "SYNC", description = "Syncs to run, in order.")
    List<String> syncs = new ArrayList<>();

    @Option(names = "--json", description = "Print run summaries as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (SyncEngine engine = workspace.openEngine()) {
            List<String> names = syncs;
            if (names.isEmpty()) {
                names = engine.workspace().syncs().keySet().stream().filter(s -> !engine.isPaused(s)).toList();
                engine.workspace().syncs().keySet().stream().filter(engine::isPaused)
                        .forEach(s -> System.err.println(s + ": paused, skipped (tidemark resume " + s + ")"));
            }
            return Runs.execute(engine, names, name -> engine.run(name, "manual", Runs.progress()), json);
        }
    }
}
