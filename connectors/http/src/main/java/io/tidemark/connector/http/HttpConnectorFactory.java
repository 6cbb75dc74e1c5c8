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
 * A web API as a destination ({@code type: http}): the connection describes the API (base URL, authentication,
 * pacing ceilings) and its {@code objects}, each with the request its added, changed and removed records send; a sync
 * names an object as its {@code table}. See ADR 0012 and {@code docs/connectors.md}.
 *
 * <p>Takes keyed changes only ({@code diff} syncs): an API has no tables to replace or append to, so not
 * {@link Capability#TABLE_WRITES}; and no transaction, so not {@link Capability#TRANSACTIONAL_COMMIT}. Delivery is at
 * least once; requests that name the record by its matching field make resends harmless.
 */
public final class HttpConnectorFactory implements ConnectorFactory {
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.DESTINATION, Capability.UPSERT, Capability.DELETE));

    @Override
    public String name() { return "http"; }

    @Override
    public ConfigSpec configSpec() { return HttpSettings.SPEC; }

    @Override
    public Set<Capability> capabilities() { return CAPABILITIES; }

    /** Checks base_url, the authentication settings, the pacing settings and every object's requests, all at once. */
    @Override
    public List<SettingError> validate(ConnectorConfig config) { return HttpSettings.read(config).problems(); }

    @Override
    public Destination openDestination(ConnectorConfig config, ConnectorContext context) {
        return open(config, context, Sleeper.REAL, ThreadLocalRandom.current());
    }

    /** With the waiting and the retry jitter given, for tests. */
    ApiDestination open(ConnectorConfig config, ConnectorContext context, Sleeper sleeper, RandomGenerator random) {
        HttpSettings settings = HttpSettings.read(config).orThrow(config.name());
        return ApiDestination.open(config, context, settings.auth(), settings.secrets().values(), settings.delivery(), settings.baseUrl(),
                request -> {
                    String name = request.target().toString();
                    ApiObject object = settings.objects().get(name);
                    if (object == null) {
                        throw new TidemarkException(ErrorCode.TABLE_NOT_FOUND, "connection \"" + config.name() + "\" has no object \""
                                + name + "\" (objects: " + String.join(", ", settings.objects().keySet().stream().sorted().toList())
                                + "); set the sync's table to one of them, or add it under the connection's objects");
                    }
                    return new HttpPlan(config.name(), object, settings.baseUrl(), settings.secrets(), request.schema());
                }, sleeper, random);
    }
}
