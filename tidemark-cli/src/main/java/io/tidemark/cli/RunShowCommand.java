package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run-show", description = "Everything recorded about one run, with the source schema changes it met and the "
        + "rows the destination rejected.")
final class RunShowCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "RUN_ID") long runId;

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            JsonNode run = backend.runDetail(runId);
            if (json) {
                System.out.println(ApiJson.pretty(run));
                return ExitCodes.OK;
            }
            // The run's own fields; its schema changes and rejected rows follow.
            run.properties().stream().filter(e -> e.getValue().isValueNode())
                    .forEach(e -> System.out.printf("%-18s %s%n", e.getKey(), e.getValue().isNull() ? "-" : e.getValue().asText()));
            if (!run.path("schema_changes").isEmpty()) {
                System.out.printf("%nschema changes (schema_policy decided):%n%s", Tables.schemaChanges(run.path("schema_changes"), "  "));
            }
            List<JsonNode> rejected = run.path("rejected_rows").valueStream().toList();
            if (!rejected.isEmpty()) {
                System.out.printf("%nshowing %,d of %s rejected:%n", rejected.size(), Tables.rows(Tables.count(run, "rows_rejected")));
                System.out.print(Tables.grid(List.of("change", "key", "reason"), rejected.stream()
                        .map(r -> List.of(r.path("change").asText(), r.path("key").asText(), r.path("reason").asText())).toList()));
            }
            return ExitCodes.OK;
        }
    }
}
