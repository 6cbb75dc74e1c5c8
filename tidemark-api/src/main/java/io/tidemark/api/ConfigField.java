package io.tidemark.api;

import java.util.Objects;

/**
 * One field of a connector's configuration. The CLI, API and UI render forms and redact output from it.
 *
 * @param defaultValue textual default, or {@code null} when there is none
 * @param secret       never printed or logged; may be given as {@code ${ENV_VAR}}
 */
public record ConfigField(String name, Type type, boolean required, boolean secret, String defaultValue, String description) {
    /**
     * {@link #OBJECT}: a nested mapping or list in the workspace file (e.g. an HTTP API's endpoints), handed to the
     * connector as JSON text. Never secret, and {@code ${ENV}} references are refused inside it: secrets are scalar
     * fields, which templates inside the object may reference.
     */
    public enum Type { STRING, INTEGER, BOOLEAN, PATH, ENUM, OBJECT }

    public ConfigField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (type == Type.OBJECT && secret) throw new IllegalArgumentException("an object field cannot be secret: " + name);
    }

    public static ConfigField required(String name, Type type, String description) {
        return new ConfigField(name, type, true, false, null, description);
    }

    public static ConfigField optional(String name, Type type, String defaultValue, String description) {
        return new ConfigField(name, type, false, false, defaultValue, description);
    }

    public static ConfigField secret(String name, String description) {
        return new ConfigField(name, Type.STRING, false, true, null, description);
    }
}
