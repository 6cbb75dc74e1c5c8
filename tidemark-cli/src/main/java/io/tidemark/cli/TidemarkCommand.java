package io.tidemark.cli;

import picocli.CommandLine.Command;

@Command(name = "tidemark", mixinStandardHelpOptions = true, version = "tidemark 0.1.0",
        description = "Keeps data in one system in step with another, and shows what every run changed.",
        subcommands = {RunCommand.class, CheckCommand.class, DiscoverCommand.class, RunsCommand.class,
                RunShowCommand.class, PlanCommand.class, TestRowCommand.class, ResyncCommand.class, ResetTrackingCommand.class, RecoverCommand.class, CancelCommand.class,
                DeleteDataCommand.class, PauseCommand.class, ResumeCommand.class, StatusCommand.class, ExportCommand.class,
                ApplyCommand.class, AuditCommand.class, QuickstartCommand.class, ServerCommand.class, TokenCommand.class,
                SecretKeyCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a run failed", "2:bad input or configuration", "3:environment (unreachable, auth, disk)"})
final class TidemarkCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
