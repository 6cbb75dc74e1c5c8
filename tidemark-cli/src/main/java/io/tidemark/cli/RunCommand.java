package io.tidemark.cli;

import io.tidemark.engine.RunControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

@Command(name = "run", description = "Run syncs now (all enabled syncs when none is named), here or on a server (--server).")
final class RunCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(arity = "0..*", paramLabel = "SYNC", description = "Syncs to run, in order.")
    List<String> syncs = new ArrayList<>();

    @Option(names = "--json", description = "Print run summaries as JSON.")
    boolean json;

    @Option(names = "--follow", description = "cdc syncs: keep applying changes as they arrive until stopped (Ctrl-C or "
            + "SIGTERM commit what is applied, then exit). Without it a run applies what is available now and exits.")
    boolean follow;

    /** How long a stop signal waits for the run to commit what it applied before the process exits anyway. */
    private static final long STOP_GRACE_SECONDS = 60;

    @Override
    public Integer call() {
        if (!follow) return runOnce();
        if (workspace.remote()) {
            System.err.println("error[unsupported]: --follow keeps a cdc run going in this process; a server runs syncs itself "
                    + "(on their schedule, or `tidemark run SYNC --server URL`): run --follow without --server, beside the workspace");
            return ExitCodes.BAD_INPUT;
        }
        if (syncs.size() != 1) {
            System.err.println("error[config_invalid]: --follow runs exactly one sync; name it: tidemark run SYNC --follow");
            return ExitCodes.BAD_INPUT;
        }
        RunControl control = RunControl.following();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger exit = new AtomicInteger(ExitCodes.RUN_FAILED);
        Thread stopper = new Thread(() -> {
            control.requestStop();
            try {
                if (finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    // Stopped by a signal: exit with the run's own outcome (0 when its last commit succeeded), not 143.
                    System.out.flush();
                    System.err.flush();
                    Runtime.getRuntime().halt(exit.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tidemark-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try (LocalBackend backend = workspace.openLocal()) {
            exit.set(Runs.execute(backend, syncs, (name, progress) -> backend.run(name, progress, control), json));
            return exit.get();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it exits with the run's outcome now that the run has finished
            }
        }
    }

    private int runOnce() {
        try (Backend backend = workspace.open()) {
            List<String> names = syncs;
            if (names.isEmpty()) {
                Map<String, Boolean> paused = backend.pausedBySync();
                names = paused.keySet().stream().filter(s -> !paused.get(s)).toList();
                paused.keySet().stream().filter(paused::get).forEach(s -> System.err.println(s + ": paused, skipped (tidemark resume " + s + ")"));
            }
            return Runs.execute(backend, names, Backend.Operation.RUN, json);
        }
    }
}
