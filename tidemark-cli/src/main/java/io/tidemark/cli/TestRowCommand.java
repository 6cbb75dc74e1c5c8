package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.api.ChangeClass;
import io.tidemark.engine.diff.KeyText;
import io.tidemark.server.api.ApiJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "test-row", description = "Send one model row of a diff sync to its destination and show the answer; "
        + "the checkpoint and the change-tracking snapshot do not move.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the destination accepted the row", "1:the destination refused it",
                "2:bad input, or the sync's mode sends nothing for this change", "3:environment (unreachable, auth, disk)"})
final class TestRowCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--key", required = true, paramLabel = "VALUE",
            description = "Primary key value of the row; repeat for each key column, in primary-key order.")
    List<String> key = new ArrayList<>();

    @Option(names = "--as", paramLabel = "CHANGE", converter = ChangeName.class,
            description = "Send it as added, changed or removed (default: its change against the last run's snapshot).")
    ChangeClass as;

    @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "Override a value before sending (model column or "
            + "destination field; canonical text, e.g. 2026-03-01T10:00:00Z); repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--set-null", paramLabel = "FIELD", description = "Send NULL for this model column or destination field; repeatable.")
    List<String> setNull = new ArrayList<>();

    @Option(names = "--json", description = "Print as JSON.") boolean json;

    @Override
    public Integer call() {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        for (String field : setNull) {
            if (overrides.containsKey(field)) {
                System.err.println("error[usage]: " + field + " is given to both --set and --set-null; keep one");
                return ExitCodes.BAD_INPUT;
            }
            overrides.put(field, null);
        }
        try (Backend backend = workspace.open()) {
            JsonNode result = backend.testRow(sync, key, Optional.ofNullable(as), overrides);
            if (json) {
                System.out.println(ApiJson.pretty(result));
            } else {
                SyncConfig config = backend.workspace().sync(sync);
                System.out.print(describe(result, KeyText.render(config.primaryKey(), List.<Object>copyOf(key)), config.destination()));
            }
            boolean sent = result.path("operation").isTextual();
            return result.path("accepted").asBoolean() ? ExitCodes.OK : sent ? ExitCodes.RUN_FAILED : ExitCodes.BAD_INPUT;
        }
    }

    private static String describe(JsonNode r, String keyText, String destination) {
        boolean sent = r.path("operation").isTextual();
        StringBuilder s = new StringBuilder(r.path("sync").asText() + ": test row " + keyText + "\n");
        s.append("  change     ").append(r.path("as").asText()).append('\n');
        s.append("  operation  ").append(sent ? r.path("operation").asText() : "none").append('\n');
        s.append("  target     ").append(r.path("target").asText()).append(" at ").append(destination).append('\n');
        s.append("  fields sent:\n").append(Tables.grid(List.of("field", "value"), r.path("sent").properties().stream()
                .map(e -> List.of(e.getKey(), FieldValues.text(e.getValue()))).toList()).indent(4));
        for (JsonNode exchange : r.path("exchanges")) {
            s.append("  request:\n").append(indented(exchange.path("request").asText()));
            s.append("  response:\n").append(indented(exchange.path("response").asText()));
        }
        s.append(!sent ? "nothing sent: " : "destination answer: " + (r.path("accepted").asBoolean() ? "accepted — " : "refused — "))
                .append(r.path("answer").asText()).append('\n');
        s.append("Nothing else was sent; the checkpoint and the change-tracking snapshot did not move.\n");
        return s.toString();
    }

    /** Four spaces before each line; the empty line between headers and body stays empty, and trailing ones go. */
    private static String indented(String text) {
        return text.stripTrailing().lines().map(line -> line.isBlank() ? "" : "    " + line).collect(Collectors.joining("\n", "", "\n"));
    }

    /** {@code --as added|changed|removed}, in the lower case the rest of Tidemark uses. */
    static final class ChangeName implements CommandLine.ITypeConverter<ChangeClass> {
        @Override
        public ChangeClass convert(String value) {
            try {
                return ChangeClass.of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected added, changed or removed, not \"" + value + "\"");
            }
        }
    }
}
