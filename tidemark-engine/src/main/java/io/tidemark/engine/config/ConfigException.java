package io.tidemark.engine.config;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.util.List;
import java.util.stream.Collectors;

/** Invalid configuration: every error found at once. */
public final class ConfigException extends TidemarkException {
    private final List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(ErrorCode.CONFIG_INVALID, summary(errors));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() { return errors; }

    private static String summary(List<ConfigError> errors) {
        return "invalid configuration (" + errors.size() + (errors.size() == 1 ? " error" : " errors") + "):\n"
                + errors.stream().map(e -> "  - " + e).collect(Collectors.joining("\n"));
    }
}
