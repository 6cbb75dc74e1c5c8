package io.tidemark.engine.config;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A validated workspace: connections, models and syncs, in file order. */
public record WorkspaceConfig(Path file, Map<String, ConnectionConfig> connections, Map<String, ModelConfig> models,
                              Map<String, SyncConfig> syncs, Optional<String> stateStoreUrl) {
    public WorkspaceConfig {
        connections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(connections));
        models = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
        syncs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(syncs));
    }

    public Path directory() { return file.toAbsolutePath().getParent(); }

    /** Names only: connection settings and the state store URL may hold credentials. */
    @Override
    public String toString() {
        return "WorkspaceConfig[" + file + ", connections=" + connections.keySet() + ", models=" + models.keySet()
                + ", syncs=" + syncs.keySet() + "]";
    }

    public SyncConfig sync(String name) { return find(syncs, "sync", name); }

    public ConnectionConfig connection(String name) { return find(connections, "connection", name); }

    private <T> T find(Map<String, T> definitions, String kind, String name) {
        T found = definitions.get(name);
        if (found == null) {
            throw new TidemarkException(ErrorCode.NOT_FOUND, "no " + kind + " named \"" + name + "\" in " + file
                    + " (" + kind + "s: " + String.join(", ", definitions.keySet()) + ")");
        }
        return found;
    }
}
