package io.tidemark.api;

import java.util.Objects;

/** One thing {@code check} found wrong, with what to do about it. */
public record Problem(ErrorCode code, String message, String fix) {
    public Problem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    public static Problem of(TidemarkException e, String fix) { return new Problem(e.errorCode(), e.getMessage(), fix); }
}
