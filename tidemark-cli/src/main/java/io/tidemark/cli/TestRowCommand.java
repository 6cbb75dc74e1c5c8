package io.tidemark.cli;

import io.tidemark.api.ChangeOp;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.TestRowResult;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.diff.ChangeClass;
import io.tidemark.engine.diff.KeyText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

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
        try (SyncEngine engine = workspace.openEngine()) {
            TestRowResult result = engine.testRow(sync, key, Optional.ofNullable(as), overrides);
            SyncConfig config = engine.workspace().sync(sync);
            System.out.print(json ? RunJson.write(toJson(result)) + "\n"
                    : describe(result, KeyText.render(config.primaryKey(), List.<Object>copyOf(key)), config.destination()));
            return result.accepted() ? ExitCodes.OK : result.op().isEmpty() ? ExitCodes.BAD_INPUT : ExitCodes.RUN_FAILED;
        }
    }

    private static String describe(TestRowResult r, String keyText, String destination) {
        StringBuilder s = new StringBuilder(r.syncName() + ": test row " + keyText + "\n");
        s.append("  change     ").append(r.as().configName()).append('\n');
        s.append("  operation  ").append(r.op().map(TestRowCommand::name).orElse("none")).append('\n');
        s.append("  target     ").append(r.target()).append(" at ").append(destination).append('\n');
        s.append("  fields sent:\n").append(Tables.grid(List.of("field", "value"), r.sent().entrySet().stream()
                .map(e -> List.of(e.getKey(), FieldValues.text(e.getValue()))).toList()).indent(4));
        s.append(r.op().isEmpty() ? "nothing sent: " : "destination answer: " + (r.accepted() ? "accepted — " : "refused — "))
                .append(r.answer()).append('\n');
        s.append("Nothing else was sent; the checkpoint and the change-tracking snapshot did not move.\n");
        return s.toString();
    }

    private Map<String, Object> toJson(TestRowResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sync", r.syncName());
        m.put("key", key);
        m.put("as", r.as().configName());
        m.put("operation", r.op().map(TestRowCommand::name).orElse(null));
        m.put("target", r.target());
        m.put("sent", FieldValues.json(r.sent()));
        m.put("accepted", r.accepted());
        m.put("answer", r.answer());
        return m;
    }

    private static String name(ChangeOp op) { return op.name().toLowerCase(Locale.ROOT); }

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
