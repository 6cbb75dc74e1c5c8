package io.tidemark.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether stderr is an interactive terminal (progress bar) or a pipe/file (plain progress lines). */
final class Terminal {
    private Terminal() {}

    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM")) || System.getenv("CI") != null) return false;
        try {
            // /proc tells exactly which file descriptor 2 is; System.console() cannot on JDK 21 (it ignores stderr).
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
