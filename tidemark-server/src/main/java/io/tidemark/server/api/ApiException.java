package io.tidemark.server.api;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.util.Optional;

/**
 * A request the API refuses before it reaches the engine, with the request field at fault. HTTP-level problems
 * (malformed JSON, a body too large, no token) have codes of their own; everything else uses {@link ErrorCode}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Optional<String> field;

    public ApiException(int status, String code, String message, Optional<String> field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException of(ErrorCode code, String message, String field) {
        return new ApiException(code.httpStatus(), code.code(), message, Optional.ofNullable(field));
    }

    public static ApiException from(TidemarkException e) {
        return new ApiException(e.errorCode().httpStatus(), e.errorCode().code(), e.getMessage(), Optional.empty());
    }

    public int status() { return status; }

    public String code() { return code; }

    public Optional<String> field() { return field; }
}
