package io.tidemark.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The CLI as a real, separate JVM — so a test can {@code kill -9} it like an operator or the OOM killer would. */
record CliProcess(Process process, Path log) {

    static CliProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path log = workDir.resolve("cli-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("CI", "true");
        return new CliProcess(builder.start(), log);
    }

    /** Runs the CLI to its end. */
    static CliResult run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        CliProcess p = start(workDir, env, args);
        int exit = p.await(120);
        return new CliResult(exit, p.output());
    }

    /** Waits for the process; returns its exit code. */
    int await(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("CLI did not finish within " + timeoutSeconds + "s; output:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hooks, no finally blocks, no flushing. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String output() {
        try {
            return java.nio.file.Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
