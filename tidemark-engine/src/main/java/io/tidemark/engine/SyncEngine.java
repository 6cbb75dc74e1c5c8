package io.tidemark.engine;

import io.tidemark.api.CheckReport;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.Destination;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;
import io.tidemark.api.RawStream;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.Source;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import io.tidemark.engine.checkpoint.Checkpoint;
import io.tidemark.engine.checkpoint.CheckpointCodec;
import io.tidemark.engine.config.ConnectionConfig;
import io.tidemark.engine.config.ModelConfig;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.store.CheckpointVersion;
import io.tidemark.store.RunCounts;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;
import io.tidemark.store.SyncRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The embeddable sync engine: runs syncs and the operations on them. The CLI and the server are thin clients of
 * it. Not thread-safe per sync: the state store refuses a second concurrent run of one sync.
 */
public final class SyncEngine implements AutoCloseable {
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);
    private static final Duration STORE_PROGRESS_INTERVAL = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);

    private final WorkspaceConfig workspace;
    private final StateStore store;
    private final ConnectorRegistry registry;
    private final Clock clock;
    private final String owner;
    private final Predicate<String> ownerAlive;

    private SyncEngine(Builder b) {
        this.workspace = Objects.requireNonNull(b.workspace, "workspace");
        this.store = Objects.requireNonNull(b.store, "stateStore");
        this.registry = b.registry != null ? b.registry : ConnectorRegistry.load();
        this.clock = b.clock;
        this.owner = b.owner;
        this.ownerAlive = b.ownerAlive;
    }

    public static Builder builder() { return new Builder(); }

    public WorkspaceConfig workspace() { return workspace; }

    /** Runs a sync with its current settings from its checkpoint. A failed run is returned, not thrown. */
    public RunRecord run(String syncName, String trigger, RunListener listener) {
        return execute(workspace.sync(syncName), trigger, false, listener);
    }

    /**
     * Forgets the checkpoint and re-reads everything as if it were the first run; the destination object is
     * loaded into a shadow table and swapped in atomically.
     */
    public RunRecord resync(String syncName, RunListener listener) {
        SyncConfig sync = workspace.sync(syncName);
        SyncRecord record = store.ensureSync(sync.name());
        store.saveCheckpoint(record.id(), null, null, "resync requested");
        return execute(sync, "resync", true, listener);
    }

    /** Drops what the sync wrote and its checkpoint; keeps the sync. The next run is a first run. */
    public void deleteData(String syncName) {
        SyncConfig sync = workspace.sync(syncName);
        SyncRecord record = store.ensureSync(sync.name());
        refuseWhileRunning(record);
        try (Destination destination = openDestination(sync.destination())) {
            destination.deleteData(sync.name(), sync.target());
        }
        store.saveCheckpoint(record.id(), null, null, "data deleted");
        log.info("sync {}: deleted destination data and checkpoint", sync.name());
    }

    public SyncRecord pause(String syncName) { return setPaused(syncName, true); }

    public SyncRecord resume(String syncName) { return setPaused(syncName, false); }

    private SyncRecord setPaused(String syncName, boolean paused) {
        SyncRecord record = store.ensureSync(workspace.sync(syncName).name());
        store.setPaused(record.id(), paused);
        return store.findSync(record.name()).orElseThrow();
    }

    /** Whether the sync is paused, by the store's flag or by {@code enabled: false} in the workspace. */
    public boolean isPaused(String syncName) {
        SyncConfig sync = workspace.sync(syncName);
        return !sync.enabled() || store.findSync(sync.name()).map(SyncRecord::paused).orElse(false);
    }

    public List<RunRecord> runs(Optional<String> syncName, int limit) {
        syncName.ifPresent(workspace::sync);
        return store.runs(syncName, limit);
    }

    public RunRecord runRecord(long runId) {
        return store.run(runId).orElseThrow(() -> new TidemarkException(ErrorCode.NOT_FOUND,
                "no run with id " + runId + "; list runs with `tidemark runs`"));
    }

    public List<CheckpointVersion> checkpoints(String syncName) {
        return store.findSync(workspace.sync(syncName).name()).map(s -> store.checkpointHistory(s.id())).orElse(List.of());
    }

    public List<DiscoveredStream> discover(String connectionName) {
        try (Source source = openSource(connectionName)) {
            return source.discover();
        }
    }

    /**
     * Validates connections and syncs: reachability and permissions of every connection involved, and for each
     * sync that its table, primary key and cursor exist with matching types. Never throws for a problem found.
     *
     * @param syncNames the syncs to check; empty checks every connection and sync of the workspace
     */
    public List<CheckItem> check(List<String> syncNames) {
        List<SyncConfig> syncs = syncNames.isEmpty() ? List.copyOf(workspace.syncs().values())
                : syncNames.stream().map(workspace::sync).toList();
        List<String> connections = syncNames.isEmpty() ? List.copyOf(workspace.connections().keySet())
                : syncs.stream().flatMap(s -> java.util.stream.Stream.of(workspace.models().get(s.model()).connection(), s.destination())).distinct().toList();
        List<CheckItem> items = new ArrayList<>();
        for (String name : connections) items.add(new CheckItem("connection " + name, checkConnection(name)));
        for (SyncConfig sync : syncs) items.add(new CheckItem("sync " + sync.name(), checkSync(sync)));
        return items;
    }

    private CheckReport checkConnection(String name) {
        ConnectionConfig connection = workspace.connection(name);
        ConnectorFactory factory = registry.get(connection.type());
        CheckReport report = CheckReport.empty();
        if (factory.capabilities().contains(io.tidemark.api.Capability.SOURCE)) {
            try (Source s = openSource(name)) { report = report.and(s.check()); }
        }
        if (factory.capabilities().contains(io.tidemark.api.Capability.DESTINATION)) {
            try (Destination d = openDestination(name)) { report = report.and(d.check()); }
        }
        return dedupe(report);
    }

    /** A connection that is both source and destination reports a shared problem (unreachable) once. */
    private static CheckReport dedupe(CheckReport report) {
        return new CheckReport(report.passed().stream().distinct().toList(), report.problems().stream().distinct().toList());
    }

    private CheckReport checkSync(SyncConfig sync) {
        ModelConfig model = workspace.models().get(sync.model());
        try (Source source = openSource(model.connection())) {
            StreamSchema schema = source.describe(model.spec());
            SyncPlan.of(sync, schema, Optional.empty(), false);
            return new CheckReport(List.of("model " + model.name() + " readable (" + schema.columns().size() + " columns)",
                    "primary key and cursor columns present with matching types"), List.of());
        } catch (TidemarkException e) {
            return new CheckReport(List.of(), List.of(Problem.of(e, fixFor(e))));
        }
    }

    /** Our messages end with "; what to do": that part is the fix. */
    private static String fixFor(TidemarkException e) {
        String message = e.getMessage();
        int semicolon = message.lastIndexOf("; ");
        return semicolon < 0 ? "see the message" : message.substring(semicolon + 2);
    }

    private RunRecord execute(SyncConfig sync, String trigger, boolean fromScratch, RunListener listener) {
        SyncRecord syncRecord = store.ensureSync(sync.name());
        if (!fromScratch && isPaused(sync.name())) {
            throw new TidemarkException(ErrorCode.SYNC_PAUSED, "sync \"" + sync.name() + "\" is paused; run `tidemark resume "
                    + sync.name() + "`" + (sync.enabled() ? "" : " and set enabled: true in " + workspace.file()) + " to run it");
        }
        ModelConfig model = workspace.models().get(sync.model());
        Source source = null;
        Destination destination = null;
        Optional<String> before = fromScratch ? Optional.empty() : store.latestCheckpoint(syncRecord.id()).map(CheckpointVersion::checkpoint);
        try {
            source = openSource(model.connection());
            destination = openDestination(sync.destination());
            Optional<String> destinationState = committedState(destination, sync);
            if (!fromScratch) before = reconcile(syncRecord, destinationState);
            RunRecord run = store.startRun(syncRecord.id(), trigger, owner, before.orElse(null), ownerAlive);
            listener.started(run);
            log.info("sync {}: run {} started ({})", sync.name(), run.id(), trigger);
            RunRecord finished = new Run(sync, model, source, destination, run, before, fromScratch, listener).execute();
            return finish(sync, finished, listener);
        } catch (TidemarkException e) {
            if (e.errorCode() == ErrorCode.SYNC_RUNNING) throw e;
            // The connectors could not even be opened: still a run, so the failure shows in the history.
            RunRecord run = store.startRun(syncRecord.id(), trigger, owner, before.orElse(null), ownerAlive);
            listener.started(run);
            return finish(sync, store.finishRun(run.id(), RunStatus.FAILED, RunCounts.ZERO, e.errorCode().code(),
                    prefixed(sync, e.getMessage()), before.orElse(null)), listener);
        } finally {
            closeQuietly(source);
            closeQuietly(destination);
        }
    }

    private RunRecord finish(SyncConfig sync, RunRecord finished, RunListener listener) {
        listener.finished(finished);
        log.info("sync {}: run {} {} ({} rows read, {} written)", sync.name(), finished.id(), finished.status().configName(),
                finished.counts().rowsRead(), finished.counts().rowsWritten());
        return finished;
    }

    private static String prefixed(SyncConfig sync, String message) {
        String prefix = "sync \"" + sync.name() + "\": ";
        return message.startsWith(prefix) ? message : prefix + message;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) return;
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }

    private Optional<String> committedState(Destination destination, SyncConfig sync) {
        return destination.committedState(sync.name()).map(CommittedState::checkpoint);
    }

    /**
     * The destination's committed state is the truth for database destinations (it commits with the data); when the
     * engine died between the destination commit and the store update, the store catches up here.
     */
    private Optional<String> reconcile(SyncRecord sync, Optional<String> destinationState) {
        Optional<String> stored = store.latestCheckpoint(sync.id()).map(CheckpointVersion::checkpoint);
        if (destinationState.isPresent() && !destinationState.equals(stored)) {
            store.saveCheckpoint(sync.id(), null, destinationState.get(), "recovered from destination state");
            return destinationState;
        }
        return destinationState.isPresent() ? destinationState : stored;
    }

    private void refuseWhileRunning(SyncRecord sync) {
        store.runs(Optional.of(sync.name()), 1).stream()
                .filter(r -> r.status() == RunStatus.RUNNING && ownerAlive.test(r.owner()))
                .findFirst().ifPresent(r -> {
                    throw new TidemarkException(ErrorCode.SYNC_RUNNING, "sync \"" + sync.name() + "\" is running (run "
                            + r.id() + "); wait for it to finish or cancel it first");
                });
    }

    private Source openSource(String connectionName) {
        ConnectionConfig c = workspace.connection(connectionName);
        return registry.get(c.type()).openSource(c.config(), context());
    }

    private Destination openDestination(String connectionName) {
        ConnectionConfig c = workspace.connection(connectionName);
        return registry.get(c.type()).openDestination(c.config(), context());
    }

    private ConnectorContext context() { return new ConnectorContext(clock, workspace.directory()); }

    @Override
    public void close() { store.close(); }

    /** One run: reads, writes, commits data with the checkpoint, and records everything. */
    private final class Run {
        private final SyncConfig sync;
        private final ModelConfig model;
        private final Source source;
        private final Destination destination;
        private final RunRecord run;
        private final Optional<String> before;
        private final boolean fromScratch;
        private final RunListener listener;
        private long rowsRead;
        private long rowsWritten;
        private long rowsDeleted;
        private long bytesMoved;
        private OptionalLong estimated = OptionalLong.empty();
        private Instant lastProgress = Instant.EPOCH;
        private Instant lastStoreProgress = Instant.EPOCH;

        Run(SyncConfig sync, ModelConfig model, Source source, Destination destination, RunRecord run,
            Optional<String> before, boolean fromScratch, RunListener listener) {
            this.sync = sync;
            this.model = model;
            this.source = source;
            this.destination = destination;
            this.run = run;
            this.before = before;
            this.fromScratch = fromScratch;
            this.listener = listener;
        }

        RunRecord execute() {
            try {
                StreamSchema schema = source.describe(model.spec());
                SyncPlan plan = SyncPlan.of(sync, schema, before.map(CheckpointCodec::decode), fromScratch);
                Checkpoint after = transfer(plan);
                String encoded = CheckpointCodec.encode(after);
                store.saveCheckpoint(run.syncId(), run.id(), encoded, fromScratch ? "resync" : "run");
                return store.finishRun(run.id(), RunStatus.SUCCEEDED, counts(), null, null, encoded);
            } catch (TidemarkException e) {
                log.debug("sync {}: run {} failed", sync.name(), run.id(), e);
                return store.finishRun(run.id(), RunStatus.FAILED, counts(), e.errorCode().code(),
                        prefixed(sync, e.getMessage()), before.orElse(null));
            } catch (RuntimeException e) {
                log.error("sync {}: run {} failed with an internal error", sync.name(), run.id(), e);
                return store.finishRun(run.id(), RunStatus.FAILED, counts(), ErrorCode.INTERNAL.code(),
                        "sync \"" + sync.name() + "\": internal error: " + e + "; please report it with the log", before.orElse(null));
            }
        }

        private Checkpoint transfer(SyncPlan plan) {
            WriteRequest request = new WriteRequest(sync.name(), sync.target(), plan.schema(), plan.writeMode(), run.id(),
                    clock.instant(), plan.appendDedupColumns(), plan.historyColumns());
            ReadRequest read = new ReadRequest(model.spec(), plan.schema(), sync.syncType(), plan.window(), sync.batchSize());
            try (StreamReader reader = source.read(read); StreamWriter writer = destination.open(request)) {
                estimated = reader.estimatedRows();
                Optional<RawStream> raw = writer.rawFormats().isEmpty() ? Optional.empty() : reader.openRaw(writer.rawFormats());
                if (raw.isPresent()) {
                    long rows = writer.writeRaw(countingBytes(raw.get()));
                    rowsRead = rows;
                    rowsWritten = rows;
                } else {
                    BatchPump.run(reader, sync.name(), batch -> {
                        rowsRead += batch.size();
                        WriteResult result = writer.write(batch);
                        rowsWritten += result.written();
                        rowsDeleted += result.deleted();
                        if (!result.rejected().isEmpty()) {
                            throw new TidemarkException(ErrorCode.DESTINATION_REJECTED, "the destination rejected "
                                    + result.rejected().size() + " rows (first: key " + result.rejected().getFirst().key()
                                    + ": " + result.rejected().getFirst().reason() + "); fix the data or the destination table");
                        }
                        progress(false);
                    });
                }
                progress(true);
                Checkpoint after = plan.window()
                        .flatMap(w -> reader.cursorUpperBound().map(upper -> (Checkpoint) Checkpoint.Cursor.of(w.column(), w.type(), upper)))
                        .or(() -> plan.window().isPresent() ? before.map(CheckpointCodec::decode) : Optional.empty())
                        .orElseGet(() -> new Checkpoint.Refresh(rowsRead, clock.instant()));
                writer.commit(new CommittedState(sync.name(), run.id(), CheckpointCodec.encode(after), clock.instant()));
                rowsWritten -= writer.skippedRows();
                return after;
            }
        }

        private RawStream countingBytes(RawStream raw) {
            return new RawStream() {
                @Override
                public String format() { return raw.format(); }

                @Override
                public long transferTo(RawSink sink) {
                    return raw.transferTo((buffer, offset, length) -> {
                        sink.write(buffer, offset, length);
                        bytesMoved += length;
                        progress(false);
                    });
                }
            };
        }

        private void progress(boolean force) {
            Instant now = clock.instant();
            if (force || Duration.between(lastProgress, now).compareTo(PROGRESS_INTERVAL) >= 0) {
                lastProgress = now;
                listener.progress(new Progress(rowsRead, rowsWritten, bytesMoved, estimated));
            }
            if (!force && Duration.between(lastStoreProgress, now).compareTo(STORE_PROGRESS_INTERVAL) >= 0) {
                lastStoreProgress = now;
                store.updateProgress(run.id(), counts());
            }
        }

        private RunCounts counts() { return new RunCounts(rowsRead, rowsWritten, rowsDeleted, 0); }
    }

    public static final class Builder {
        private WorkspaceConfig workspace;
        private StateStore store;
        private ConnectorRegistry registry;
        private Clock clock = Clock.systemUTC();
        private String owner = Owner.current();
        private Predicate<String> ownerAlive = Owner::isAlive;

        public Builder workspace(WorkspaceConfig workspace) { this.workspace = workspace; return this; }
        public Builder stateStore(StateStore store) { this.store = store; return this; }
        public Builder registry(ConnectorRegistry registry) { this.registry = registry; return this; }
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }
        public Builder owner(String owner, Predicate<String> alive) { this.owner = owner; this.ownerAlive = alive; return this; }

        public SyncEngine build() { return new SyncEngine(this); }
    }
}
