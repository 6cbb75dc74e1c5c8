package io.tidemark.connector.http;

import io.tidemark.api.CheckReport;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.Destination;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.random.RandomGenerator;

/**
 * A web API as a destination, shared by the {@code http} and {@code capture} connectors, which differ only in how
 * records become requests ({@link RequestPlan}). Takes keyed changes only ({@link WriteMode#CHANGES}: {@code diff}
 * syncs); keeps each sync's checkpoint in the connection's {@link StateFile}. The {@link ApiClient}, and with it the
 * adaptive pacing, is shared by every writer this destination opens.
 */
final class ApiDestination implements Destination {
    private final String connection;
    private final ApiClient client;
    private final Masker masker;
    private final StateFile state;
    private final URI root;
    private final int maxConcurrency;
    private final Function<WriteRequest, RequestPlan> plans;

    /**
     * @param root  the URL {@code check} reaches for
     * @param plans the plan of a write's target; throws {@link ErrorCode#TABLE_NOT_FOUND} for an unknown object
     */
    ApiDestination(String connection, ApiClient client, Masker masker, StateFile state, URI root, int maxConcurrency,
                   Function<WriteRequest, RequestPlan> plans) {
        this.connection = connection;
        this.client = client;
        this.masker = masker;
        this.state = state;
        this.root = root;
        this.maxConcurrency = maxConcurrency;
        this.plans = plans;
    }

    /**
     * A destination whose requests go out with {@code auth} and {@code delivery}; {@code secrets} are masked wherever a
     * request is shown.
     */
    static ApiDestination open(ConnectorConfig config, ConnectorContext context, Auth auth, Collection<String> secrets,
                               Delivery delivery, URI root, Function<WriteRequest, RequestPlan> plans, Sleeper sleeper,
                               RandomGenerator random) {
        Masker masker = new Masker(Stream.concat(secrets.stream(), auth.encodedSecrets().stream()).toList());
        ApiClient client = new ApiClient(config.name(), auth, delivery, masker, context.clock(), sleeper, random);
        return new ApiDestination(config.name(), client, masker, new StateFile(context.workspaceDir(), config.name()), root,
                delivery.maxConcurrency(), plans);
    }

    /** Reads the state file, reaches the API's root URL (any HTTP answer will do) and, for OAuth2, fetches a token. */
    @Override
    public CheckReport check() {
        List<String> passed = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try {
            state.validate();
            passed.add("state file " + state.path() + " is readable");
        } catch (TidemarkException e) {
            problems.add(Problem.of(e, "restore the file from a backup, or delete it to start every sync of this connection over"));
        }
        try {
            Answer answer = client.reach(root);
            passed.add("reached " + masker.mask(root.toString()) + " (HTTP " + answer.status() + ")");
            client.authenticate(new ExchangeLog(masker)).ifPresent(passed::add);
        } catch (IOException e) {
            problems.add(new Problem(ErrorCode.CONNECTION_FAILED, "connection \"" + connection + "\": cannot reach "
                    + masker.mask(root.toString()) + ": " + masker.mask(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())),
                    "check the URL, that the host resolves and accepts connections from here, and any proxy or firewall between"));
        } catch (TidemarkException e) {
            problems.add(Problem.of(e, "check the credentials settings of the connection"));
        }
        return new CheckReport(passed, problems);
    }

    /** An API object has no schema Tidemark could read: always empty. */
    @Override
    public Optional<StreamSchema> describeTarget(StreamId target) { return Optional.empty(); }

    @Override
    public Optional<CommittedState> committedState(String syncKey) { return state.get(syncKey); }

    @Override
    public StreamWriter open(WriteRequest request) {
        if (request.mode() != WriteMode.CHANGES) {
            throw new TidemarkException(ErrorCode.UNSUPPORTED, "connection \"" + connection + "\" is an API, which takes the records "
                    + "added, changed and removed since the last run, not whole tables (" + request.mode().name().toLowerCase(java.util.Locale.ROOT)
                    + " writes); use sync_type diff");
        }
        return new ApiWriter(connection, client, plans.apply(request), state, masker, maxConcurrency);
    }

    /**
     * Forgets the sync's checkpoint, so its next run is a first run that sends every record again. What was sent to the
     * API stays there: an API offers no way to remove "everything Tidemark sent".
     */
    @Override
    public void deleteData(String syncKey, StreamId target) { state.remove(syncKey); }

    @Override
    public void close() { client.close(); }
}
