package io.tidemark.server;

import io.javalin.Javalin;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.server.api.Api;
import io.tidemark.server.metrics.ServerMetrics;
import io.tidemark.server.notify.Notification;
import io.tidemark.server.notify.NotificationPolicy;
import io.tidemark.server.notify.WebhookNotifier;
import io.tidemark.server.run.RunService;
import io.tidemark.server.run.SequenceRunner;
import io.tidemark.server.schedule.NodeRegistry;
import io.tidemark.server.schedule.SyncScheduler;
import io.tidemark.server.security.SecretCipher;
import io.tidemark.server.workspace.WorkspaceService;
import io.tidemark.store.RunRecord;
import io.tidemark.store.SequenceRun;
import io.tidemark.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code tidemark server}: the engine as a service. REST API, scheduler (shared with every other node on the same
 * state store), metrics and notifications, wired here and nowhere else.
 */
public final class TidemarkServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TidemarkServer.class);
    /** How often a node looks for configuration versions saved by other nodes. */
    private static final Duration WORKSPACE_POLL = Duration.ofSeconds(2);

    private final StateStore store;
    private final NodeRegistry nodes;
    private final WorkspaceService workspaces;
    private final RunService runs;
    private final SyncScheduler scheduler;
    private final ServerMetrics metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tidemark-workspace-poller");
        t.setDaemon(true);
        return t;
    });
    private final Api api;
    private final Javalin app;
    private volatile boolean started;

    private TidemarkServer(ServerOptions options, Function<String, String> environment, Clock clock) {
        Optional<SecretCipher> cipher = SecretCipher.load(environment, options.secretKeyFile());
        this.store = StateStore.open(options.stateStoreUrl(), null, null, clock);
        try {
            SyncScheduler.ClusterTimings timings = options.timings();
            this.nodes = new NodeRegistry(store, clock, options.nodeName(), timings.heartbeat(), timings.deadAfter());
            this.workspaces = new WorkspaceService(store, ConnectorRegistry.load(), cipher, options.dataDir(), clock, environment,
                    nodes.owner(), nodes::isAlive);
            this.runs = new RunService(workspaces, store);
            SequenceRunner sequences = new SequenceRunner(workspaces, runs, store);
            this.scheduler = new SyncScheduler(store.dataSource(), workspaces, runs, sequences, clock, nodes.instance(),
                    options.schedulerThreads(), timings);
            this.metrics = new ServerMetrics(store, scheduler::queueDepth, runs::activeRuns);
            runs.onFinished(metrics::finished);
            runs.onFinished(this::notifyRun);
            sequences.onFinished(this::notifySequence);
            this.api = new Api(workspaces, runs, scheduler, store, metrics::scrape, () -> started);
            this.app = api.create(options.host(), options.port());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Opens the state store, starts the scheduler and the HTTP listener. */
    public static TidemarkServer start(ServerOptions options, Function<String, String> environment, Clock clock) {
        TidemarkServer server = new TidemarkServer(options, environment, clock);
        try {
            server.app.start();
            server.scheduler.start();
            server.poller.scheduleWithFixedDelay(server::refreshWorkspace, WORKSPACE_POLL.toMillis(), WORKSPACE_POLL.toMillis(), TimeUnit.MILLISECONDS);
            server.started = true;
            log.info("tidemark server {} listening on {}:{} (state store {})", server.nodes.instance(), options.host(), server.port(),
                    options.shownStateStore());
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public int port() { return app.port(); }

    /** The API's routes, for the OpenAPI test. */
    public java.util.List<String> routes() { return api.routes(); }

    private void refreshWorkspace() {
        try {
            workspaces.refresh();
        } catch (RuntimeException e) {
            log.warn("could not load the latest workspace version: {}", e.getMessage());
        }
    }

    private void notifyRun(RunRecord run) {
        workspaces.current().config().notifications().ifPresent(n -> {
            Optional<String> previous = store.runs(Optional.of(run.syncName()), 2).stream().filter(r -> r.id() != run.id()).findFirst()
                    .map(r -> r.status().configName());
            NotificationPolicy.event(previous, run.status().configName(), n.onRecovery()).ifPresent(event ->
                    notifier(n.webhookUrl()).send(Notification.ofRun(event, run)));
        });
    }

    private void notifySequence(SequenceRun run) {
        if (run.status().succeeded()) return;
        workspaces.current().config().notifications().ifPresent(n -> notifier(n.webhookUrl()).send(Notification.ofSequence(run)));
    }

    private WebhookNotifier notifier(java.net.URI url) { return new WebhookNotifier(url, http); }

    @Override
    public void close() {
        started = false;
        poller.shutdownNow();
        if (app != null) app.stop();
        // Runs first: they stop at their next safe point, so the scheduler's own wait for them is short.
        if (runs != null) runs.close();
        if (scheduler != null) scheduler.close();
        if (nodes != null) nodes.close();
        store.close();
    }
}
