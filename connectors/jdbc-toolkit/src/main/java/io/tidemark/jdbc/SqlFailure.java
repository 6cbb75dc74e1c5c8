package io.tidemark.jdbc;

import io.tidemark.api.ErrorCode;

import java.util.Objects;

/**
 * How a dialect classifies a driver exception: the stable error code and what the user should do about it.
 *
 * @param fix an instruction ending the user message, e.g. {@code free disk space and run again}
 */
public record SqlFailure(ErrorCode code, String fix) {
    public SqlFailure {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(fix, "fix");
    }
}
