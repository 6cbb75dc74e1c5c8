package io.tidemark.connector.http;

import io.tidemark.api.Capability;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorFactory;

import java.util.Set;

/** An analytics capture API as a destination ({@code type: capture}). */
public final class CaptureConnectorFactory implements ConnectorFactory {
    @Override
    public String name() { return "capture"; }

    @Override
    public ConfigSpec configSpec() { return ConfigSpec.of(); }

    @Override
    public Set<Capability> capabilities() { return Set.of(Capability.DESTINATION); }
}
