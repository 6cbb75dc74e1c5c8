package io.tidemark.connector.http;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.SettingError;
import io.tidemark.api.TidemarkException;

import java.util.List;
import java.util.stream.Collectors;

/** Settings read from a connection, or everything wrong with them. */
sealed interface Checked<T> {
    record Valid<T>(T value) implements Checked<T> {}

    record Invalid<T>(List<SettingError> errors) implements Checked<T> {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }

    default List<SettingError> problems() {
        return this instanceof Invalid<T> i ? i.errors() : List.of();
    }

    /** The settings; every error at once when they are invalid (the workspace loader reports them earlier). */
    default T orThrow(String connection) {
        return switch (this) {
            case Valid<T> v -> v.value();
            case Invalid<T> i -> throw new TidemarkException(ErrorCode.CONFIG_INVALID, "connection \"" + connection + "\": "
                    + i.errors().stream().map(e -> e.setting() + ": " + e.message()).collect(Collectors.joining("; ")));
        };
    }
}
