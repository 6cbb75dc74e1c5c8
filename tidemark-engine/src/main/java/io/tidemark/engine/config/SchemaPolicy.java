package io.tidemark.engine.config;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A sync's {@code schema_policy}: the action per kind of source schema change. Kinds not named get their
 * {@linkplain SchemaChangeKind#defaultAction() default}.
 */
public record SchemaPolicy(Map<SchemaChangeKind, SchemaAction> actions) {
    public static final SchemaPolicy DEFAULT = new SchemaPolicy(Map.of());

    public SchemaPolicy {
        EnumMap<SchemaChangeKind, SchemaAction> all = new EnumMap<>(SchemaChangeKind.class);
        for (SchemaChangeKind kind : SchemaChangeKind.values()) all.put(kind, kind.defaultAction());
        actions.forEach((kind, action) -> {
            if (!kind.allowed().contains(Objects.requireNonNull(action, "action"))) {
                throw new IllegalArgumentException(kind.configName() + " cannot be " + action.configName());
            }
            all.put(kind, action);
        });
        actions = Map.copyOf(all);
    }

    public SchemaAction action(SchemaChangeKind kind) { return actions.get(kind); }

    /** As written in a workspace, every kind named. */
    @Override
    public String toString() {
        return java.util.Arrays.stream(SchemaChangeKind.values()).map(k -> k.configName() + ": " + action(k).configName())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
