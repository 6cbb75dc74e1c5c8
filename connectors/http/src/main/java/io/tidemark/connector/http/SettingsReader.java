package io.tidemark.connector.http;

import io.tidemark.api.ConfigField;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.SettingError;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads a connection's settings, collecting every problem rather than stopping at the first. A value read after an
 * error is a stand-in; {@link #result} builds the settings only when there were none.
 */
final class SettingsReader {
    private final ConnectorConfig config;
    private final List<SettingError> errors = new ArrayList<>();

    SettingsReader(ConnectorConfig config) { this.config = config; }

    ConnectorConfig config() { return config; }

    void error(String setting, String message) { errors.add(new SettingError(setting, message)); }

    int errorCount() { return errors.size(); }

    /** The value, or the spec's default; empty when neither is there or the value is blank. */
    Optional<String> optional(String name) {
        return config.get(name).or(() -> config.spec().field(name).map(ConfigField::defaultValue)).filter(v -> !v.isBlank());
    }

    /** The value; an error saying {@code why} it is needed when it is missing. */
    String required(String name, String why) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) error(name, "required " + why);
        return value.orElse("");
    }

    int integer(String name, int min, int max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            error(name, "required; a whole number from " + min + " to " + max);
            return min;
        }
        try {
            long n = Long.parseLong(value.get().trim());
            if (n >= min && n <= max) return (int) n;
        } catch (NumberFormatException e) {
            // reported below
        }
        error(name, "expected a whole number from " + min + " to " + max + ", got \"" + value.get() + "\"");
        return min;
    }

    boolean bool(String name) {
        String value = optional(name).orElse("false").trim().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) error(name, "expected true or false, got \"" + value + "\"");
        return value.equals("true");
    }

    /** An absolute {@code http} or {@code https} URL; an error naming the setting otherwise. */
    URI httpUrl(String name, String why) {
        String value = required(name, why);
        if (value.isEmpty()) return URI.create("http://invalid");
        Optional<String> problem = httpUrlProblem(value);
        problem.ifPresent(p -> error(name, p));
        return problem.isPresent() ? URI.create("http://invalid") : URI.create(value.trim());
    }

    static Optional<String> httpUrlProblem(String value) {
        try {
            URI uri = new URI(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("\"" + value + "\" is not a URL (" + e.getReason() + "); write it as https://host/path");
        }
        return Optional.of("\"" + value + "\" is not an absolute http or https URL; write it as https://host/path");
    }

    /**
     * Checks a secret setting's value for what no credential holds: a line break or another control character (a
     * trailing line break is what a value read from a file or a command often brings along) and, when the value goes
     * into a header as it is, a character an HTTP header cannot carry. The errors never show the value.
     */
    void secret(String name, String value, boolean sentInHeader) {
        if (value.endsWith("\n") || value.endsWith("\r")) {
            error(name, "ends with a line break; remove the trailing line break (a value read from a file or a command often "
                    + "brings one along)");
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            error(name, "holds a line break, tab or other control character, which no credential has; remove it");
        } else if (sentInHeader) {
            HeaderValues.unsendable(value).ifPresent(problem -> error(name, "holds " + problem + ", which an HTTP header cannot "
                    + "carry; check that the secret was copied whole and unchanged"));
        }
    }

    <T> Checked<T> result(Supplier<T> build) {
        return errors.isEmpty() ? new Checked.Valid<>(build.get()) : new Checked.Invalid<>(errors);
    }
}
