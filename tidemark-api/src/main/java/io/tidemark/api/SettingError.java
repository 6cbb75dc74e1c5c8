package io.tidemark.api;

import java.util.Objects;

/**
 * One thing wrong in a connection's settings, found by {@link ConnectorFactory#validate}.
 *
 * @param setting where, relative to the connection: a field, or a path into an object field
 *                ({@code objects.contacts.added.url})
 * @param message what is wrong and what to do
 */
public record SettingError(String setting, String message) {
    public SettingError {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(message, "message");
    }
}
