package io.tidemark.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A connection's configuration after validation against the connector's {@link ConfigSpec}: secrets are
 * resolved, defaults applied, relative paths resolved against the workspace. {@link #toString()} redacts secrets.
 *
 * @param name   the connection's name in the workspace ({@code app}, {@code wh})
 * @param values field name to value, all present fields; secrets in clear text (never print this map)
 */
public record ConnectorConfig(String name, ConfigSpec spec, Map<String, String> values) {
    public ConnectorConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spec, "spec");
        values = Map.copyOf(values);
    }

    public Optional<String> get(String field) { return Optional.ofNullable(values.get(field)); }

    /** The value of a required field (validated before the connector sees the config). */
    public String require(String field) {
        String v = values.get(field);
        if (v == null) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID,
                    "connection \"" + name + "\": " + field + " is required; add it to the connection");
        }
        return v;
    }

    public Path path(String field) { return Path.of(require(field)); }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, spec.field(k).map(ConfigField::secret).orElse(false) ? "******" : v));
        return "ConnectorConfig[" + name + " " + shown + "]";
    }
}
