package io.tidemark.connector.http;

import io.tidemark.api.Capability;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.Destination;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.SettingError;
import io.tidemark.api.TidemarkException;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * An analytics capture API as a destination ({@code type: capture}): records become events sent in batches to
 * {@code <url>/batch}; the sync's {@code table} is {@code events}, {@code persons} or {@code aliases}
 * (see {@link CapturePlan}). Pacing and retries are those of the {@code http} connector.
 *
 * <p>Takes keyed changes only ({@code diff} syncs), and cannot delete ({@code delete_behavior: nothing}).
 */
public final class CaptureConnectorFactory implements ConnectorFactory {
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(Capability.DESTINATION, Capability.UPSERT));

    @Override
    public String name() { return "capture"; }

    @Override
    public ConfigSpec configSpec() { return CaptureSettings.SPEC; }

    @Override
    public Set<Capability> capabilities() { return CAPABILITIES; }

    @Override
    public List<SettingError> validate(ConnectorConfig config) { return CaptureSettings.read(config).problems(); }

    @Override
    public Destination openDestination(ConnectorConfig config, ConnectorContext context) {
        return open(config, context, Sleeper.REAL, ThreadLocalRandom.current());
    }

    /** With the waiting and the retry jitter given, for tests. */
    ApiDestination open(ConnectorConfig config, ConnectorContext context, Sleeper sleeper, RandomGenerator random) {
        CaptureSettings settings = CaptureSettings.read(config).orThrow(config.name());
        return ApiDestination.open(config, context, new Auth.None(), List.of(settings.apiKey()), settings.delivery(), settings.url(),
                request -> {
                    String name = request.target().toString();
                    CapturePlan.Kind kind = CapturePlan.Kind.of(name).orElseThrow(() -> new TidemarkException(ErrorCode.TABLE_NOT_FOUND,
                            "connection \"" + config.name() + "\" is a capture API, which has no object \"" + name + "\"; set the sync's "
                                    + "table to one of " + CapturePlan.Kind.names()));
                    return new CapturePlan(config.name(), kind, settings, request.syncKey(), request.schema());
                }, sleeper, random);
    }
}
