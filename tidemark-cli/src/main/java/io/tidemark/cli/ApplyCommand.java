package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.config.SettingChange;
import io.tidemark.engine.config.WorkspacePlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "apply", description = "Make the workspace what FILE says: show the plan of changes, ask, then apply it — "
        + "to the local workspace file (--workspace) or to a server (--server). Applying an unchanged file changes nothing.")
final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
            description = "The workspace as it should be (YAML, e.g. from `tidemark export`).")
    Path file;

    @Option(names = "--workspace", defaultValue = "tidemark.yaml", paramLabel = "PATH",
            description = "Without --server: the workspace file to change (default: ${DEFAULT-VALUE}); created if missing.")
    Path workspaceFile;

    @Option(names = "--yes", description = "Apply without asking; required when not on a terminal.") boolean yes;

    @Mixin RemoteOptions remote;

    @Override
    public Integer call() {
        if (remote.remote() && remote.mixee.commandLine().getParseResult().hasMatchedOption("--workspace")) {
            throw new CommandLine.ParameterException(remote.mixee.commandLine(), "--workspace names a local workspace file; with "
                    + "--server the server's workspace is changed: drop one of them");
        }
        String yaml = read(file);
        try (Backend backend = remote.remote() ? new RemoteBackend(remote.client()) : new LocalBackend(workspaceFile, null)) {
            WorkspacePlan plan = backend.planWorkspace(file, yaml);
            if (plan.isEmpty()) {
                System.out.println("no changes: " + backend.location() + " already is what " + file + " says");
                return ExitCodes.OK;
            }
            System.out.print(describe(plan, backend));
            if (!yes && !Confirm.ask("Apply these changes?")) {
                System.err.println("not applied: confirm on a terminal, or pass --yes");
                return ExitCodes.BAD_INPUT;
            }
            Backend.Applied applied = backend.applyWorkspace(file, yaml, plan.destructive());
            System.out.println("applied: " + applied.where());
            for (JsonNode run : applied.resyncRuns()) {
                long id = Tables.count(run, "run_id");
                System.out.println(run.path("sync").asText() + ": resync started as run " + id + " (`tidemark run-show " + id + "` shows it)");
            }
            if (backend instanceof LocalBackend) {
                plan.entries().stream().filter(e -> e.kind() == WorkspacePlan.Kind.SYNC && e.action() == WorkspacePlan.Action.CHANGE && e.destructive())
                        .forEach(e -> System.out.println(e.name() + ": its destination no longer matches its settings; "
                                + "resync it before its next run: tidemark resync " + e.name()));
            }
            return ExitCodes.OK;
        }
    }

    /** One line per definition created or deleted and per setting changed; {@code !} marks what is destructive, with why. */
    private static String describe(WorkspacePlan plan, Backend backend) {
        StringBuilder s = new StringBuilder("Plan for " + backend.location() + ":\n");
        for (WorkspacePlan.Entry e : plan.entries()) {
            String subject = e.kind() == WorkspacePlan.Kind.NOTIFICATIONS ? "notifications"
                    : e.kind().name().toLowerCase(Locale.ROOT) + " " + e.name();
            switch (e.action()) {
                case CREATE -> s.append("+ create ").append(subject).append('\n');
                case DELETE -> {
                    s.append(e.destructive() ? "! " : "- ").append("delete ").append(subject).append('\n');
                    e.changes().stream().filter(SettingChange::destructive).forEach(c -> s.append("    ").append(c.reason()).append('\n'));
                }
                case CHANGE -> {
                    for (SettingChange c : e.changes()) {
                        s.append(c.destructive() ? "! " : "~ ").append("change ").append(subject).append(": ").append(c.setting()).append(' ')
                                .append(value(c.before())).append(" → ").append(value(c.after())).append('\n');
                        if (c.destructive()) s.append("    ").append(c.reason()).append('\n');
                    }
                }
            }
        }
        if (plan.destructive()) {
            s.append(backend instanceof RemoteBackend
                    ? "! marks destructive changes: the server resyncs each changed sync right after applying.\n"
                    : "! marks destructive changes: resync each changed sync after applying.\n");
        }
        return s.toString();
    }

    private static String value(String value) { return value == null ? "(not set)" : value; }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "cannot read " + path + " (" + e.getClass().getSimpleName()
                    + "); give the workspace to apply with -f FILE");
        }
    }
}
