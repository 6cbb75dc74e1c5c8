package io.tidemark.cli;

import picocli.CommandLine.Command;

@Command(name = "resume", description = "Resume a paused sync; its next run continues from the checkpoint.")
final class ResumeCommand extends PauseCommand {
    @Override
    boolean pause() { return false; }
}
