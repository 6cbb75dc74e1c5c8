package io.tidemark.connector.http;

import io.tidemark.api.Capability;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorFactory;

import java.util.Set;

/** A web API as a destination ({@code type: http}). */
public final class HttpConnectorFactory implements ConnectorFactory {
    @Override
    public String name() { return "http"; }

    @Override
    public ConfigSpec configSpec() { return ConfigSpec.of(); }

    @Override
    public Set<Capability> capabilities() { return Set.of(Capability.DESTINATION); }
}
