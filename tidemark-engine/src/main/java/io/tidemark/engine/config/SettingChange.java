package io.tidemark.engine.config;

import java.util.Objects;

/**
 * One setting that differs between two versions of a definition.
 *
 * @param setting     the YAML key, e.g. {@code cursor_field}
 * @param before      the old value as the workspace would write it; {@code null} when it was not set. A secret shows as
 *                    {@value #REDACTED}, never its value
 * @param after       the new value, likewise
 * @param destructive the destination's data or the sync's checkpoint no longer matches the new value: applying it
 *                    needs a resync (or deleting the data)
 * @param reason      what the change does, in a sentence a user can act on
 */
public record SettingChange(String setting, String before, String after, boolean destructive, String reason) {
    /** How a secret value is shown. */
    public static final String REDACTED = "********";

    public SettingChange {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(reason, "reason");
    }
}
