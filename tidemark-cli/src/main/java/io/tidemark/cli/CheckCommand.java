package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ErrorCode;
import io.tidemark.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "check", description = "Validate connections and syncs; report every problem with its fix.")
final class CheckCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(arity = "0..*", paramLabel = "SYNC", description = "Syncs to check (default: everything).")
    List<String> syncs = new ArrayList<>();

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            List<JsonNode> items = backend.check(syncs);
            int exit = items.stream().flatMap(i -> i.path("problems").valueStream())
                    .mapToInt(p -> ErrorCode.fromCode(p.path("code").asText()).map(ErrorCode::exitCode).orElse(ExitCodes.RUN_FAILED))
                    .max().orElse(ExitCodes.OK);
            if (json) {
                System.out.println(ApiJson.pretty(items));
            } else {
                for (JsonNode item : items) {
                    System.out.println((item.path("ok").asBoolean() ? "ok   " : "FAIL ") + item.path("subject").asText());
                    item.path("passed").forEach(p -> System.out.println("       ✓ " + p.asText()));
                    for (JsonNode p : item.path("problems")) {
                        System.out.println("       ✗ [" + p.path("code").asText() + "] " + p.path("message").asText());
                        System.out.println("         fix: " + p.path("fix").asText());
                    }
                }
            }
            return exit;
        }
    }
}
