package io.tidemark.engine.config;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated workspace: connections, models, syncs and sequences, each in file order, and where run notifications
 * go.
 *
 * @param file          the workspace file (or the name it is known by); relative paths were resolved against its folder
 * @param stateStoreUrl the {@code state_store} JDBC URL; may hold credentials
 */
public record WorkspaceConfig(Path file, Map<String, ConnectionConfig> connections, Map<String, ModelConfig> models,
                              Map<String, SyncConfig> syncs, Optional<String> stateStoreUrl,
                              Map<String, SequenceConfig> sequences, Optional<NotificationConfig> notifications) {
    public WorkspaceConfig {
        Objects.requireNonNull(file, "file");
        connections = Collections.unmodifiableMap(new LinkedHashMap<>(connections));
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        syncs = Collections.unmodifiableMap(new LinkedHashMap<>(syncs));
        Objects.requireNonNull(stateStoreUrl, "stateStoreUrl");
        sequences = Collections.unmodifiableMap(new LinkedHashMap<>(sequences));
        Objects.requireNonNull(notifications, "notifications");
    }

    public Path directory() { return file.toAbsolutePath().getParent(); }

    /** Names only: connection settings and the state store URL may hold credentials. */
    @Override
    public String toString() {
        return "WorkspaceConfig[" + file + ", connections=" + connections.keySet() + ", models=" + models.keySet()
                + ", syncs=" + syncs.keySet() + ", sequences=" + sequences.keySet() + "]";
    }

    public SyncConfig sync(String name) { return find(syncs, "sync", name); }

    public ConnectionConfig connection(String name) { return find(connections, "connection", name); }

    public SequenceConfig sequence(String name) { return find(sequences, "sequence", name); }

    private <T> T find(Map<String, T> definitions, String kind, String name) {
        T found = definitions.get(name);
        if (found == null) {
            throw new TidemarkException(ErrorCode.NOT_FOUND, "no " + kind + " named \"" + name + "\" in " + file
                    + " (" + kind + "s: " + (definitions.isEmpty() ? "none" : String.join(", ", definitions.keySet())) + ")");
        }
        return found;
    }
}
