package io.tidemark.api;

import java.util.List;
import java.util.Optional;

/** The fields a connector's configuration accepts. */
public record ConfigSpec(List<ConfigField> fields) {
    public ConfigSpec {
        fields = List.copyOf(fields);
    }

    public static ConfigSpec of(ConfigField... fields) { return new ConfigSpec(List.of(fields)); }

    public Optional<ConfigField> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
