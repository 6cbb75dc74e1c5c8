package io.tidemark.engine;

import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The connectors on the class path, found with {@link ServiceLoader}; the engine never names one. */
public final class ConnectorRegistry {
    private final Map<String, ConnectorFactory> factories;

    private ConnectorRegistry(Map<String, ConnectorFactory> factories) { this.factories = factories; }

    public static ConnectorRegistry load(ClassLoader classLoader) {
        Map<String, ConnectorFactory> found = new TreeMap<>();
        for (ConnectorFactory f : ServiceLoader.load(ConnectorFactory.class, classLoader)) {
            ConnectorFactory previous = found.putIfAbsent(f.name(), f);
            if (previous != null && previous.getClass() != f.getClass()) {
                throw new IllegalStateException("two connectors named " + f.name() + ": " + previous.getClass() + " and " + f.getClass());
            }
        }
        return new ConnectorRegistry(found);
    }

    public static ConnectorRegistry load() { return load(ConnectorRegistry.class.getClassLoader()); }

    public Optional<ConnectorFactory> find(String type) { return Optional.ofNullable(factories.get(type)); }

    public ConnectorFactory get(String type) {
        return find(type).orElseThrow(() -> new TidemarkException(ErrorCode.CONFIG_INVALID,
                "no connector of type \"" + type + "\" (available: " + String.join(", ", factories.keySet()) + ")"));
    }

    public Collection<String> types() { return factories.keySet(); }
}
