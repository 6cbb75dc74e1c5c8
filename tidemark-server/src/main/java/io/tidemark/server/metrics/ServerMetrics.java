package io.tidemark.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Prometheus metrics. Counters and timers count what this node ran; the runs-by-status gauge and the queue depth
 * read the shared state store, so any node shows the whole cluster's.
 */
public final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> slotLag = new ConcurrentHashMap<>();

    public ServerMetrics(StateStore store, LongSupplier queueDepth, LongSupplier activeRuns) {
        for (RunStatus status : RunStatus.values()) {
            Gauge.builder("tidemark_runs", store, s -> s.runCountsByStatus().getOrDefault(status, 0L))
                    .description("Runs recorded in the state store, by status").tag("status", status.configName()).register(registry);
        }
        Gauge.builder("tidemark_scheduler_queue_depth", queueDepth::getAsLong)
                .description("Scheduled executions due and not yet picked by any node").register(registry);
        Gauge.builder("tidemark_runs_active", activeRuns::getAsLong).description("Runs in progress on this node").register(registry);
    }

    /** Records a run this node finished. */
    public void finished(RunRecord run) {
        String sync = run.syncName();
        Counter.builder("tidemark_run_rows_read").tag("sync", sync).register(registry).increment(run.counts().rowsRead());
        Counter.builder("tidemark_run_rows_written").tag("sync", sync).register(registry).increment(run.counts().rowsWritten());
        Counter.builder("tidemark_run_rows_rejected").tag("sync", sync).register(registry).increment(run.counts().rowsRejected());
        Counter.builder("tidemark_runs_finished").tag("sync", sync).tag("status", run.status().configName()).register(registry).increment();
        if (run.durationMs() != null) {
            Timer.builder("tidemark_run_duration").tag("sync", sync).tag("status", run.status().configName()).register(registry)
                    .record(Duration.ofMillis(run.durationMs()));
        }
        run.captureLag().ifPresent(lag -> slotLag.computeIfAbsent(sync, s -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("tidemark_cdc_slot_lag_bytes", value, AtomicLong::get).tag("sync", s)
                    .description("Source log kept for a cdc sync when its last run ended").register(registry);
            return value;
        }).set(lag.bytes()));
    }

    /** The Prometheus text exposition. */
    public String scrape() { return registry.scrape(); }
}
