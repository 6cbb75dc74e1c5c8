package io.tidemark.cli;

import java.io.Console;

/** Asks a yes/no question on the terminal; without one the answer is no (scripts pass --yes). */
final class Confirm {
    private Confirm() {}

    static boolean ask(String question) {
        Console console = System.console();
        if (console == null || !Terminal.stderrIsTerminal()) return false;
        String answer = console.readLine("%s [y/N] ", question);
        return answer != null && answer.trim().equalsIgnoreCase("y");
    }
}
