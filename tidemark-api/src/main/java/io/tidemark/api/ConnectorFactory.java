package io.tidemark.api;

import java.util.Set;

/**
 * Entry point of a connector, discovered with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.tidemark.api.ConnectorFactory}).
 *
 * <p>{@link #openSource} and {@link #openDestination} are only called when {@link #capabilities()} contains
 * {@link Capability#SOURCE} or {@link Capability#DESTINATION}. Opening is cheap and does not connect;
 * connecting happens on first use so that {@code check()} can report unreachability as a problem.
 */
public interface ConnectorFactory {
    /** The {@code type:} of a connection in the workspace file, e.g. {@code postgres}. */
    String name();

    ConfigSpec configSpec();

    Set<Capability> capabilities();

    /**
     * Checks what {@link ConfigSpec} cannot: the content of {@link ConfigField.Type#OBJECT} fields, and fields that
     * depend on each other. Called when the workspace loads, with the fields already checked against the spec; every
     * error is reported at once. Does not connect.
     */
    default java.util.List<SettingError> validate(ConnectorConfig config) { return java.util.List.of(); }

    default Source openSource(ConnectorConfig config, ConnectorContext context) {
        throw new TidemarkException(ErrorCode.UNSUPPORTED, "connector " + name() + " cannot be a source");
    }

    default Destination openDestination(ConnectorConfig config, ConnectorContext context) {
        throw new TidemarkException(ErrorCode.UNSUPPORTED, "connector " + name() + " cannot be a destination");
    }
}
