package io.tidemark.cli;

import io.tidemark.api.TidemarkException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Turns an error into one clear line on stderr (with its stable code) and the matching exit code. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof TidemarkException t) {
            cli.getErr().println("error[" + t.errorCode().code() + "]: " + t.getMessage());
            return t.errorCode().exitCode();
        }
        LoggerFactory.getLogger(ErrorHandler.class).error("unexpected error", e);
        cli.getErr().println("error[internal]: " + e.getClass().getName() + " (a bug in Tidemark; the log above has the "
                + "details; please report it)");
        return ExitCodes.RUN_FAILED;
    }
}
