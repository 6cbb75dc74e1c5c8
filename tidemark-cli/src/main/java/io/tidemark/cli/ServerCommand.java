package io.tidemark.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.tidemark.server.ServerOptions;
import io.tidemark.server.TidemarkServer;
import io.tidemark.server.schedule.SyncScheduler;
import io.tidemark.store.StateStore;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "server", description = "Run Tidemark as a service: REST API, scheduler, metrics. Several servers on one "
        + "Postgres state store share the work.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--data-dir", defaultValue = ".", description = "Folder for file connections and change-tracking snapshots (default: the current folder).")
    Path dataDir;

    @Option(names = "--state-store", description = "State store JDBC URL; jdbc:postgresql://… for several servers. Default: SQLite in DATA_DIR/.tidemark/state.db.")
    String stateStore;

    @Option(names = "--node-name", description = "This server's name in the cluster (default: host name).")
    String nodeName;

    @Option(names = "--secret-key-file", description = "File holding the key that encrypts connection secrets (else TIDEMARK_SECRET_KEY).")
    Path secretKeyFile;

    @Option(names = "--scheduler-threads", defaultValue = "8", description = "Scheduled runs this node runs at once (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--heartbeat", defaultValue = "5s", description = "How often a node proves it is alive (default: ${DEFAULT-VALUE}).")
    String heartbeat;

    @Option(names = "--missed-heartbeats", defaultValue = "6", description = "Missed heartbeats after which another node takes a node's runs over (default: ${DEFAULT-VALUE}).")
    int missedHeartbeats;

    @Option(names = "--poll-interval", defaultValue = "2s", description = "How often a node looks for due work (default: ${DEFAULT-VALUE}).")
    String pollInterval;

    @Override
    public Integer call() throws Exception {
        useServerLogging();
        Path data = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(data);
        String url = stateStore != null ? stateStore : "jdbc:sqlite:" + StateStore.defaultSqlitePath(data);
        if (stateStore == null) Files.createDirectories(StateStore.defaultSqlitePath(data).getParent());
        ServerOptions options = new ServerOptions(host, port, url, data, nodeName != null ? nodeName : hostName(),
                Optional.ofNullable(secretKeyFile), threads,
                new SyncScheduler.ClusterTimings(Durations.parse("--poll-interval", pollInterval), Durations.parse("--heartbeat", heartbeat), missedHeartbeats));
        CountDownLatch stopped = new CountDownLatch(1);
        TidemarkServer server = TidemarkServer.start(options, System::getenv, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tidemark-server-stop"));
        System.err.println("tidemark server listening on http://" + host + ":" + server.port() + " (API: /api/v1, OpenAPI: /api/openapi.json)");
        stopped.await();
        return ExitCodes.OK;
    }

    private static void useServerLogging() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(ServerCommand.class.getResource("/logback-server.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("logback-server.xml is broken", e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "tidemark";
        }
    }

    /** {@code 5s}, {@code 500ms}, {@code 1min}: the few forms the cluster options need. */
    static final class Durations {
        private Durations() {}

        static Duration parse(String option, String text) {
            var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|min)").matcher(text.trim());
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ServerCommand()),
                        option + ": a positive duration such as 500ms, 5s or 1min, not \"" + text + "\"");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        }
    }
}
