package io.tidemark.cli;

/** The process exit codes (DESIGN.md, "Errors"). */
final class ExitCodes {
    static final int OK = 0;
    static final int RUN_FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int ENVIRONMENT = 3;

    private ExitCodes() {}
}
