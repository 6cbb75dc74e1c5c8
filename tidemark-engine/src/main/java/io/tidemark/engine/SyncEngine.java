package io.tidemark.engine;

import io.tidemark.api.CaptureSpec;
import io.tidemark.api.CaptureStatus;
import io.tidemark.api.CheckReport;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.Destination;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.Problem;
import io.tidemark.api.RawStream;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.Source;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import io.tidemark.engine.checkpoint.Checkpoint;
import io.tidemark.engine.checkpoint.CheckpointCodec;
import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.RowBatch;
import io.tidemark.api.ChangeClass;
import io.tidemark.engine.diff.ChangeShape;
import io.tidemark.engine.diff.KeyText;
import io.tidemark.engine.diff.RowHasher;
import io.tidemark.engine.diff.SnapshotStore;
import io.tidemark.engine.mapping.TransformException;
import io.tidemark.api.SyncType;
import io.tidemark.api.WriteMode;
import io.tidemark.store.RejectedRecord;
import io.tidemark.engine.config.ConnectionConfig;
import io.tidemark.engine.config.ModelConfig;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.engine.schema.SchemaBaseline;
import io.tidemark.engine.schema.SchemaEvolution;
import io.tidemark.engine.schema.SchemaShape;
import io.tidemark.store.AuditEntry;
import io.tidemark.store.SchemaChangeRecord;
import io.tidemark.store.CaptureLag;
import io.tidemark.store.CheckpointVersion;
import io.tidemark.store.RunCounts;
import io.tidemark.store.RunRecord;
import io.tidemark.store.RunStatus;
import io.tidemark.store.StateStore;
import io.tidemark.store.SyncRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
    /** A following cdc run records its checkpoint in the store this often; the destination holds every one. */
    private static final Duration CHECKPOINT_STORE_INTERVAL = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);

    private final WorkspaceConfig workspace;
    private final StateStore store;
    private final boolean ownsStore;
    private final ConnectorRegistry registry;
    private final Clock clock;
    private final String owner;
    private final Predicate<String> ownerAlive;
    private final Path trackingDir;

    private SyncEngine(Builder b) {
        this.workspace = Objects.requireNonNull(b.workspace, "workspace");
        this.store = Objects.requireNonNull(b.store, "stateStore");
        this.ownsStore = b.ownsStore;
        this.registry = b.registry != null ? b.registry : ConnectorRegistry.load();
        this.clock = b.clock;
        this.owner = b.owner;
        this.ownerAlive = b.ownerAlive;
        this.trackingDir = b.trackingDir != null ? b.trackingDir : workspace.directory().resolve(".tidemark").resolve("tracking");
    }

    public static Builder builder() { return new Builder(); }

    public WorkspaceConfig workspace() { return workspace; }

    /** Runs a sync with its current settings from its checkpoint. A failed run is returned, not thrown. */
    public RunRecord run(String syncName, String trigger, RunListener listener) {
        return run(syncName, trigger, listener, RunControl.once());
    }

    /**
     * Runs a sync under {@code control}: a following run of a cdc sync keeps applying changes until stopped.
     *
     * @throws TidemarkException {@link ErrorCode#UNSUPPORTED} when asked to follow a sync that is not cdc
     */
    public RunRecord run(String syncName, String trigger, RunListener listener, RunControl control) {
        SyncConfig sync = workspace.sync(syncName);
        if (control.follows() && sync.syncType() != SyncType.CDC) {
            throw new TidemarkException(ErrorCode.UNSUPPORTED, "sync \"" + sync.name() + "\" is a " + sync.syncType().configName()
                    + " sync; only cdc syncs follow a change log; run it without --follow");
        }
        return execute(sync, trigger, DiffTransfer.Purpose.RUN, listener, control);
    }

    /**
     * Forgets the checkpoint and re-reads everything as if it were the first run; the destination object is
     * loaded into a shadow table and swapped in atomically.
     */
    public RunRecord resync(String syncName, RunListener listener) {
        return resync(syncName, listener, RunControl.once());
    }

    /** {@link #resync(String, RunListener)} under {@code control}, which can cancel it. */
    public RunRecord resync(String syncName, RunListener listener, RunControl control) {
        return execute(workspace.sync(syncName), "resync", DiffTransfer.Purpose.RESYNC, listener, control);
    }

    /**
     * Recovers a sync from an error state: resumes it if it is paused (a cdc sync paused by its lag guard, a sync paused
     * by hand), then runs it from its last checkpoint. A sync disabled in the workspace ({@code enabled: false}) stays
     * disabled: the run is refused with {@link ErrorCode#SYNC_PAUSED}.
     */
    public RunRecord recover(String syncName, String trigger, RunListener listener) {
        return recover(syncName, trigger, listener, RunControl.once());
    }

    /** {@link #recover(String, String, RunListener)} under {@code control}, which can cancel the run. */
    public RunRecord recover(String syncName, String trigger, RunListener listener, RunControl control) {
        resume(syncName);
        return run(syncName, trigger, listener, control);
    }

    /**
     * What a resync of a diff sync would risk, if anything: every row is sent as added, which duplicates records in
     * an insert-only destination. Empty when nothing needs confirming.
     */
    public Optional<String> resyncWarning(String syncName) {
        return resyncWarning(workspace.sync(syncName));
    }

    /** As {@link #resyncWarning(String)}, for a sync's settings read elsewhere (a client of a server). */
    public static Optional<String> resyncWarning(SyncConfig sync) {
        if (sync.syncType() != SyncType.DIFF || !sync.mode().canDuplicate()) return Optional.empty();
        return Optional.of("sync \"" + sync.name() + "\" inserts only (mode insert): a resync sends every model row as added, "
                + "so records already at " + sync.destination() + " may be inserted again (a destination with a unique key skips them). "
                + "To take the current model as the baseline without sending anything, use `tidemark reset-tracking " + sync.name() + "`");
    }

    /**
     * Resets change tracking of a diff sync: the model's current result becomes the baseline and nothing is sent;
     * later runs send only what changes after it. Recorded as a run (trigger {@code reset-tracking}).
     */
    public RunRecord resetTracking(String syncName, RunListener listener) {
        return resetTracking(syncName, listener, RunControl.once());
    }

    /** {@link #resetTracking(String, RunListener)} under {@code control}, which can cancel it. */
    public RunRecord resetTracking(String syncName, RunListener listener, RunControl control) {
        SyncConfig sync = workspace.sync(syncName);
        if (sync.syncType() != SyncType.CDC) requireDiff(syncName, "reset-tracking");
        return execute(sync, "reset-tracking", DiffTransfer.Purpose.RESET_TRACKING, listener, control);
    }

    /** Sample rows per class in a {@link #plan}. */
    public static final int PLAN_SAMPLES = 20;

    /**
     * What a run would do now, without writing anything or moving the checkpoint: the source schema changes it would
     * meet and what the sync's {@code schema_policy} would do with each; for a diff sync also the counts per class and
     * sample rows, compared with the snapshot the destination's checkpoint names, as the run would.
     */
    public ChangePlan plan(String syncName) {
        SyncConfig sync = workspace.sync(syncName);
        ModelConfig model = workspace.models().get(sync.model());
        try (Source source = openSource(model.connection())) {
            StreamSchema described = describeAsIs(source, model);
            SchemaEvolution evolution = SchemaEvolution.start(sync, storedBaseline(sync));
            List<SchemaEvolution.Decision> pending = evolution.pending(described);
            List<SchemaEvolution.Decision> stopping = pending.stream().filter(d -> d.action().stops()).toList();
            if (sync.syncType() != SyncType.DIFF || !stopping.isEmpty()) {
                return ChangePlan.schemaOnly(sync.name(), pending,
                        stopping.isEmpty() ? Optional.empty() : Optional.of(evolution.choices(stopping)));
            }
            return diffPlan(sync, model, source, evolution.shape(described, false), pending);
        }
    }

    private ChangePlan diffPlan(SyncConfig sync, ModelConfig model, Source source, SchemaShape rows, List<SchemaEvolution.Decision> pending) {
        try (Destination destination = openDestination(sync.destination()); SnapshotStore snapshots = openSnapshots(sync)) {
            ChangeShape shape = changeShape(sync, rows);
            OptionalLong base = namedSnapshot(sync, destination);
            requireSnapshot(sync, snapshots, base, shape);
            long[] read = new long[1];
            RunTally tally = new RunTally() {
                @Override public void read(long rows) { read[0] += rows; }
                @Override public void planned(long added, long changed, long removed) { }
                @Override public void applied(long written, long deleted, long rejected) { }
                @Override public void progress() { }
            };
            DiffTransfer transfer = new DiffTransfer(sync, model, request -> rows.read(source, request), () -> {
                throw new IllegalStateException("a plan writes nothing");
            }, shape, snapshots, spillFile(sync), tally, clock, 0, base, DiffTransfer.Purpose.PLAN, RunControl.once(), stateKey(sync), PLAN_SAMPLES, true);
            try {
                DiffTransfer.Outcome outcome = transfer.execute();
                Map<ChangeClass, Boolean> sends = new EnumMap<>(ChangeClass.class);
                for (ChangeClass c : ChangeClass.values()) sends.put(c, DiffTransfer.opFor(sync, c).isPresent());
                return new ChangePlan(sync.name(), read[0], outcome.planned(), sends, outcome.samples(), pending, Optional.empty());
            } finally {
                transfer.cleanUp();
            }
        }
    }

    /**
     * The model's table or query as the source has it now, whatever the model says its key is: a key column gone at
     * the source is a schema change the sync's policy decides on, not a describe failure.
     */
    private static StreamSchema describeAsIs(Source source, ModelConfig model) {
        ModelSpec spec = model.spec();
        return source.describe(new ModelSpec(spec.name(), spec.table(), spec.query(), List.of()));
    }

    /**
     * A diff sync's change shape over the rows as the run writes them. A mapped column the shape leaves out (dropped at
     * the source, and the policy ignores drops) is no longer sent, so its destination field keeps its values.
     */
    private static ChangeShape changeShape(SyncConfig sync, SchemaShape rows) {
        if (sync.fieldMapping().isEmpty()) return ChangeShape.of(sync, rows.shaped());
        SyncConfig sent = sync.withMappedColumns(column -> rows.shaped().column(column).isPresent());
        if (sent.fieldMapping().isEmpty()) {
            // An empty mapping means "every column": never let the last mapped column leaving turn into that.
            throw new TidemarkException(ErrorCode.SCHEMA_CHANGED, "sync \"" + sync.name() + "\": every column in field_mapping ("
                    + String.join(", ", sync.fieldMapping().columns()) + ") has left the source, so there is nothing to send; "
                    + "map columns the model has, or remove the sync");
        }
        return ChangeShape.of(sent, rows.shaped());
    }

    /** The schema baseline the sync's last run left, if any. */
    private Optional<SchemaBaseline> storedBaseline(SyncConfig sync) {
        return store.findSync(sync.name()).flatMap(r -> store.schemaBaseline(r.id())).map(SchemaBaseline::fromJson);
    }

    /**
     * Sends exactly one model row to the destination, as {@code as} (default: its class against the current
     * snapshot), with {@code overrides} applied first (column or field name → canonical text, {@code null} for NULL).
     * Commits the data only: the checkpoint and the snapshot do not move. A row a {@code field_mapping} transform cannot
     * shape is not sent: the result is not accepted and its answer says which field and why (as a run would reject it).
     *
     * @param key the primary key values as text, in primary-key order
     */
    public TestRowResult testRow(String syncName, List<String> key, Optional<ChangeClass> as, Map<String, String> overrides) {
        SyncConfig sync = requireDiff(syncName, "test-row");
        ModelConfig model = workspace.models().get(sync.model());
        String where = "sync \"" + sync.name() + "\": ";
        try (Source source = openSource(model.connection()); Destination destination = openDestination(sync.destination())) {
            // The row goes out in the shape a run would send now; a schema change the policy stops on refuses it.
            SchemaEvolution evolution = SchemaEvolution.start(sync, storedBaseline(sync));
            StreamSchema described = describeAsIs(source, model);
            List<SchemaEvolution.Decision> stopping = evolution.pending(described).stream().filter(d -> d.action().stops()).toList();
            if (!stopping.isEmpty()) {
                throw new TidemarkException(ErrorCode.SCHEMA_CHANGED, where + "the source table changed shape ("
                        + stopping.stream().map(SchemaEvolution.Decision::describe).collect(java.util.stream.Collectors.joining("; "))
                        + "), so a run would stop there and no row is sent; `tidemark plan " + sync.name() + "` shows the change");
            }
            SchemaShape rows = evolution.shape(described, false);
            ChangeShape shape = changeShape(sync, rows);
            if (key.size() != shape.keyColumns().length) {
                throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + "the primary key is (" + String.join(", ", sync.primaryKey())
                        + "); give one --key value per column, in that order");
            }
            List<Object> keyValues = new ArrayList<>();
            for (int i = 0; i < key.size(); i++) keyValues.add(Values.parse(shape.model().columns().get(shape.keyColumns()[i]).type(), key.get(i)));
            Optional<Object[]> row = findRow(request -> rows.read(source, request), model, shape, sync, keyValues);
            OptionalLong base = namedSnapshot(sync, destination);
            ChangeClass change = as.orElseGet(() -> currentClass(sync, shape, base, keyValues, row.isPresent()));
            if (row.isEmpty() && change != ChangeClass.REMOVED) {
                throw new TidemarkException(ErrorCode.NOT_FOUND, where + "no row with key " + KeyText.render(sync.primaryKey(), keyValues)
                        + " in model " + model.name() + "; check the key, or send it --as removed");
            }
            Optional<ChangeOp> op = DiffTransfer.opFor(sync, change);
            StreamSchema schema;
            Object[] values;
            if (change == ChangeClass.REMOVED) {
                schema = DiffTransfer.removalSchema(sync, shape);
                List<Object> match = row.map(r -> { List<Object> m = new ArrayList<>(); for (int i : shape.matchColumns()) m.add(r[i]); return m; })
                        .orElseGet(() -> trackedMatch(sync, shape, base, keyValues).orElseThrow(() -> new TidemarkException(
                                ErrorCode.NOT_FOUND, where + "key " + KeyText.render(sync.primaryKey(), keyValues)
                                + " is neither in the model nor in its snapshot, so its destination record is unknown; check the key")));
                values = DiffTransfer.removalRow(sync, schema, match, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            } else {
                schema = shape.destination();
                try {
                    values = shape.toDestination(edited(shape, row.get(), overrides, where));
                } catch (TransformException e) {
                    // A run would reject this row: nothing is sent, and the answer says why.
                    return new TestRowResult(sync.name(), change, op, sync.target().toString(), Map.of(), false,
                            e.getMessage() + "; a run rejects this row, so nothing was sent", List.of());
                }
            }
            Map<String, Object> sent = DiffTransfer.fields(schema, values);
            if (op.isEmpty()) {
                return new TestRowResult(sync.name(), change, op, sync.target().toString(), sent, false, "mode " + sync.mode().configName()
                        + (change == ChangeClass.REMOVED ? " with delete_behavior " + sync.deleteBehavior().configName() : "")
                        + " sends nothing for a " + change.configName() + " row; nothing was sent", List.of());
            }
            WriteRequest request = new WriteRequest(stateKey(sync), sync.target(), shape.destination(), WriteMode.CHANGES, 0,
                    clock.instant(), List.of());
            try (StreamWriter writer = destination.open(request)) {
                WriteResult result;
                try {
                    result = writer.apply(new ChangeBatch(op.get(), new RowBatch(schema, List.<Object[]>of(values)), change));
                } catch (TidemarkException e) {
                    if (e.errorCode().category() != io.tidemark.api.ErrorCategory.DESTINATION_REJECTED) throw e;
                    return new TestRowResult(sync.name(), change, op, sync.target().toString(), sent, false, e.getMessage(), writer.lastExchanges());
                }
                if (!result.rejected().isEmpty()) {
                    return new TestRowResult(sync.name(), change, op, sync.target().toString(), sent, false,
                            result.rejected().getFirst().reason(), writer.lastExchanges());
                }
                writer.commitDataOnly();
                return new TestRowResult(sync.name(), change, op, sync.target().toString(), sent, true,
                        switch (op.get()) {
                            case DELETE -> result.deleted() == 1 ? "deleted 1 record" : "no record to delete";
                            case INSERT -> "inserted " + result.written() + " record";
                            case UPDATE -> "updated " + result.written() + " record";
                            case UPSERT -> "upserted " + result.written() + " record";
                        }, writer.lastExchanges());
            }
        }
    }

    /** Scans the model for one key; stops reading once found. */
    private static Optional<Object[]> findRow(java.util.function.Function<ReadRequest, StreamReader> reads, ModelConfig model,
                                             ChangeShape shape, SyncConfig sync, List<Object> key) {
        try (StreamReader reader = reads.apply(new ReadRequest(model.spec(), shape.model(), sync.syncType(), Optional.empty(), sync.batchSize()))) {
            for (RowBatch b = reader.next(); b != null; b = reader.next()) {
                for (Object[] r : b.rows()) {
                    if (sameKey(shape.key(r), key)) return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean sameKey(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) == null || b.get(i) == null || Values.compare(a.get(i), b.get(i)) != 0) return false;
        }
        return true;
    }

    /** The matching values the snapshot holds for a key: how its destination record was found when last sent. */
    private Optional<List<Object>> trackedMatch(SyncConfig sync, ChangeShape shape, OptionalLong base, List<Object> key) {
        if (base.isEmpty()) return Optional.empty();
        try (SnapshotStore snapshots = openSnapshots(sync)) {
            return snapshots.exists(base.getAsLong()) ? snapshots.matchOf(shape, base.getAsLong(), key) : Optional.empty();
        }
    }

    private ChangeClass currentClass(SyncConfig sync, ChangeShape shape, OptionalLong base, List<Object> key, boolean inModel) {
        if (base.isEmpty()) return ChangeClass.ADDED;
        try (SnapshotStore snapshots = openSnapshots(sync)) {
            boolean tracked = snapshots.exists(base.getAsLong()) && snapshots.hashOf(shape, base.getAsLong(), key).isPresent();
            if (!inModel && !tracked) {
                // Never sent and not in the model: a typo must not become a delete of a real record.
                throw new TidemarkException(ErrorCode.NOT_FOUND, "sync \"" + sync.name() + "\": no row with key "
                        + KeyText.render(sync.primaryKey(), key) + " in the model or its snapshot; check the key, or send it --as removed");
            }
            return !inModel ? ChangeClass.REMOVED : tracked ? ChangeClass.CHANGED : ChangeClass.ADDED;
        }
    }

    private static Object[] edited(ChangeShape shape, Object[] row, Map<String, String> overrides, String where) {
        Object[] out = row.clone();
        overrides.forEach((name, text) -> {
            int index = shape.model().indexOf(name);
            if (index < 0) index = shape.columnOf(name).orElse(-1);
            if (index < 0) {
                throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, where + "--set " + name + ": no such model column, nor a "
                        + "destination field made from one (columns: " + String.join(", ", shape.model().columnNames()) + "); fix the name");
            }
            out[index] = text == null ? null : Values.parse(shape.model().columns().get(index).type(), text);
        });
        return out;
    }

    private SyncConfig requireDiff(String syncName, String operation) {
        SyncConfig sync = workspace.sync(syncName);
        if (sync.syncType() != SyncType.DIFF) {
            throw new TidemarkException(ErrorCode.UNSUPPORTED, "sync \"" + sync.name() + "\" is a " + sync.syncType().configName()
                    + " sync; " + operation + " works on change tracking (sync_type diff)");
        }
        return sync;
    }

    /** Drops what the sync wrote and its checkpoint; keeps the sync. The next run is a first run. */
    public void deleteData(String syncName) {
        SyncConfig sync = workspace.sync(syncName);
        SyncRecord record = store.ensureSync(sync.name());
        refuseWhileRunning(record);
        try (Destination destination = openDestination(sync.destination())) {
            if (sync.syncType() == SyncType.CDC) {
                // The captures go first: a slot left behind would keep the source's log forever.
                List<String> captures = CdcTransfer.tables(sync).stream()
                        .flatMap(t -> captureOf(destination.committedState(stateKey(sync.name(), t)).map(CommittedState::checkpoint)).stream())
                        .distinct().toList();
                if (!captures.isEmpty()) {
                    ModelConfig model = workspace.models().get(sync.model());
                    try (Source source = openSource(model.connection())) {
                        StreamSchema schema = source.describe(model.spec());
                        for (String capture : captures) source.capture(new CaptureSpec(capture, model.spec(), schema)).drop();
                    }
                }
            }
            for (StreamId table : sync.syncType() == SyncType.CDC ? CdcTransfer.tables(sync) : List.of(sync.target())) {
                destination.deleteData(stateKey(sync.name(), table), table);
            }
        }
        store.saveCheckpoint(record.id(), null, null, "data deleted");
        store.saveSchemaBaseline(record.id(), null);
        log.info("sync {}: deleted destination data and checkpoint", sync.name());
    }

    /**
     * What a sync looks like now: paused or not, its last run and checkpoint and, for a cdc sync, its capture at the
     * source (how much log the source keeps for it and how far behind the destination is).
     */
    public SyncStatus status(String syncName) {
        SyncConfig sync = workspace.sync(syncName);
        Optional<SyncRecord> record = store.findSync(sync.name());
        Optional<RunRecord> lastRun = store.runs(Optional.of(sync.name()), 1).stream().findFirst();
        Optional<String> checkpoint = record.flatMap(r -> store.latestCheckpoint(r.id())).map(CheckpointVersion::checkpoint);
        Optional<CaptureStatus> capture = Optional.empty();
        Optional<CaptureLag> lag = Optional.empty();
        Optional<String> captureName = sync.syncType() == SyncType.CDC ? captureOf(checkpoint) : Optional.empty();
        if (captureName.isPresent()) {
            ModelConfig model = workspace.models().get(sync.model());
            try (Source source = openSource(model.connection())) {
                capture = source.capture(new CaptureSpec(captureName.get(), model.spec(), source.describe(model.spec()))).status();
            }
            lag = capture.map(c -> captureLag(c, checkpoint.map(CheckpointCodec::decode)));
        }
        return new SyncStatus(sync.name(), sync.syncType(), isPaused(syncName), lastRun, checkpoint, capture, lag);
    }

    /** The capture a cdc checkpoint belongs to. */
    private static Optional<String> captureOf(Optional<String> checkpoint) {
        return checkpoint.map(CheckpointCodec::decode).filter(Checkpoint.Log.class::isInstance).map(c -> ((Checkpoint.Log) c).capture());
    }

    /**
     * Lag in bytes is the log the source keeps; lag in time is how old the last applied source transaction is while
     * there is more to apply (zero when caught up).
     */
    private CaptureLag captureLag(CaptureStatus status, Optional<Checkpoint> checkpoint) {
        long millis = status.lagBytes() <= 0 ? 0 : checkpoint.filter(Checkpoint.Log.class::isInstance)
                .map(c -> Math.max(0, Duration.between(((Checkpoint.Log) c).sourceTime(), clock.instant()).toMillis())).orElse(0L);
        return new CaptureLag(Math.max(0, status.lagBytes()), millis);
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

    /** The first {@code limit} rows the destination rejected in a run (the run's counts have the total). */
    public List<RejectedRecord> rejections(long runId, int limit) {
        runRecord(runId);
        return store.rejections(runId, limit);
    }

    /** The source schema changes the run met and what the sync's schema_policy did about each, in the order met. */
    public List<SchemaChangeRecord> schemaChanges(long runId) {
        runRecord(runId);
        return store.schemaChanges(runId);
    }

    public RunRecord runRecord(long runId) {
        return store.run(runId).orElseThrow(() -> new TidemarkException(ErrorCode.NOT_FOUND,
                "no run with id " + runId + "; list runs with `tidemark runs`"));
    }

    /** The checkpoints a run saved, oldest first; also for a run of a sync no longer in the workspace. */
    public List<CheckpointVersion> runCheckpoints(long runId) {
        return store.runCheckpoints(runRecord(runId).syncId(), runId);
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

    /** Reachability and permissions of one connection; never throws for a problem found. */
    public CheckReport checkConnection(String name) {
        ConnectionConfig connection = workspace.connection(name);
        ConnectorFactory factory = registry.get(connection.type());
        CheckReport report = CheckReport.empty();
        try {
            if (factory.capabilities().contains(io.tidemark.api.Capability.SOURCE)) {
                try (Source s = openSource(name)) { report = report.and(s.check()); }
            }
            if (factory.capabilities().contains(io.tidemark.api.Capability.DESTINATION)) {
                try (Destination d = openDestination(name)) { report = report.and(d.check()); }
            }
        } catch (RuntimeException e) {
            TidemarkException error = asTidemark(e);
            report = report.and(new CheckReport(List.of(), List.of(Problem.of(error, fixFor(error)))));
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
            String readable = "model " + model.name() + " readable (" + schema.columns().size() + " columns)";
            if (sync.syncType() == SyncType.CDC) {
                // The sync's current capture, or the one its first run would create.
                String capture = captureOf(store.findSync(sync.name()).flatMap(s -> store.latestCheckpoint(s.id())).map(CheckpointVersion::checkpoint))
                        .orElse(CdcTransfer.captureName(stateKey(sync), 0));
                return new CheckReport(List.of(readable), List.of()).and(source.capture(new CaptureSpec(capture, model.spec(), schema)).check());
            }
            if (sync.syncType() == SyncType.DIFF) {
                // A diff sync has no cursor and its checkpoint names a snapshot: its shape is what a run checks.
                ChangeShape.of(sync, schema);
                return new CheckReport(List.of(readable, "primary key, field_mapping and record_matching columns present"), List.of());
            }
            Optional<Checkpoint> checkpoint = store.findSync(sync.name()).flatMap(s -> store.latestCheckpoint(s.id()))
                    .map(CheckpointVersion::checkpoint).map(CheckpointCodec::decode);
            SyncPlan.of(sync, schema, checkpoint, false);
            return new CheckReport(List.of(readable, "primary key and cursor columns present with matching types"), List.of());
        } catch (RuntimeException e) {
            TidemarkException error = asTidemark(e);
            return new CheckReport(List.of(), List.of(Problem.of(error, fixFor(error))));
        }
    }

    /** Our messages end with "; what to do": that part is the fix. */
    private static String fixFor(TidemarkException e) {
        String message = e.getMessage();
        int semicolon = message.lastIndexOf("; ");
        return semicolon < 0 ? "see the message" : message.substring(semicolon + 2);
    }

    private RunRecord execute(SyncConfig sync, String trigger, DiffTransfer.Purpose purpose, RunListener listener, RunControl control) {
        try (LogContext logContext = LogContext.open()) {
            logContext.put(LogContext.SYNC, sync.name());
            return execute(sync, trigger, purpose, listener, control, logContext);
        }
    }

    private RunRecord execute(SyncConfig sync, String trigger, DiffTransfer.Purpose purpose, RunListener listener, RunControl control,
                              LogContext logContext) {
        boolean fromScratch = purpose != DiffTransfer.Purpose.RUN;
        SyncRecord syncRecord = store.ensureSync(sync.name());
        if (!fromScratch && (!sync.enabled() || syncRecord.paused())) {
            throw new TidemarkException(ErrorCode.SYNC_PAUSED, "sync \"" + sync.name() + "\" is paused; run `tidemark resume "
                    + sync.name() + "`" + (sync.enabled() ? "" : " and set enabled: true in " + workspace.file()) + " to run it");
        }
        ModelConfig model = workspace.models().get(sync.model());
        Source source = null;
        Destination destination = null;
        RunRecord run = null;
        Optional<String> before = Optional.empty();
        try {
            source = openSource(model.connection());
            destination = openDestination(sync.destination());
            Optional<String> destinationState = destination.committedState(stateKey(sync)).map(CommittedState::checkpoint);
            if (!fromScratch) before = reconcile(syncRecord, destinationState);
            run = store.startRun(syncRecord.id(), trigger, owner, before.orElse(null), ownerAlive);
            logContext.put(LogContext.RUN, Long.toString(run.id()));
            notifyListener(listener::started, run);
            log.info("sync {}: run {} started ({})", sync.name(), run.id(), trigger);
            return finish(sync, new Run(sync, model, source, destination, run, before, purpose, listener, control).execute(), listener);
        } catch (RuntimeException e) {
            if (run == null && e instanceof TidemarkException t && t.errorCode() == ErrorCode.SYNC_RUNNING) throw e;
            // Failed before the transfer began (connectors unreachable, bad credentials): still a run, so the failure
            // shows in the history.
            TidemarkException error = asTidemark(e);
            if (run == null) {
                run = store.startRun(syncRecord.id(), trigger, owner, before.orElse(null), ownerAlive);
                logContext.put(LogContext.RUN, Long.toString(run.id()));
                notifyListener(listener::started, run);
            }
            return finish(sync, store.finishRun(run.id(), RunStatus.FAILED, RunCounts.ZERO, error.errorCode().code(),
                    prefixed(sync, error.getMessage()), before.orElse(null)), listener);
        } finally {
            closeQuietly(source);
            closeQuietly(destination);
        }
    }

    /**
     * Where a sync's committed state lives at its destination: keyed by sync and target, so pointing a sync at
     * another table (or another destination) starts it afresh instead of applying an old mark to a new table.
     */
    static String stateKey(SyncConfig sync) { return stateKey(sync.name(), sync.target()); }

    /** The state key of one of a sync's destination tables (a cdc sync may keep two). */
    static String stateKey(String syncName, StreamId table) { return syncName + "@" + table; }

    /** Driver and connector bugs surface as internal errors whose message names only the exception type. */
    private static TidemarkException asTidemark(Throwable e) {
        if (e instanceof TidemarkException t) return t;
        log.error("internal error", e);
        return new TidemarkException(ErrorCode.INTERNAL, "internal error (" + e.getClass().getName()
                + "); the log has the details (rerun with -v); please report it", e);
    }

    /** A listener that throws must not fail or wedge the run it observes. */
    private static <T> void notifyListener(java.util.function.Consumer<T> callback, T value) {
        try {
            callback.accept(value);
        } catch (RuntimeException e) {
            log.warn("run listener failed: {}", e.toString());
        }
    }

    private RunRecord finish(SyncConfig sync, RunRecord finished, RunListener listener) {
        notifyListener(listener::finished, finished);
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

    /**
     * The destination's committed state is the truth: it commits with the data it covers. When the engine died
     * between the destination commit and the store update, the store catches up here; when the destination holds
     * no state (a new, emptied or re-pointed destination), the sync starts over rather than applying an old mark to
     * data that is not there.
     */
    private Optional<String> reconcile(SyncRecord sync, Optional<String> destinationState) {
        Optional<String> stored = store.latestCheckpoint(sync.id()).map(CheckpointVersion::checkpoint);
        if (destinationState.equals(stored)) return stored;
        if (destinationState.isEmpty()) {
            log.warn("sync {}: the destination holds no committed state; starting over from the beginning", sync.name());
            store.saveCheckpoint(sync.id(), null, null, "destination holds no committed state; starting over");
        } else {
            store.saveCheckpoint(sync.id(), null, destinationState.get(), "recovered from destination state");
        }
        return destinationState;
    }

    private void refuseWhileRunning(SyncRecord sync) {
        store.runs(Optional.of(sync.name()), 1).stream()
                .filter(r -> r.status() == RunStatus.RUNNING && ownerAlive.test(r.owner()))
                .findFirst().ifPresent(r -> {
                    throw new TidemarkException(ErrorCode.SYNC_RUNNING, "sync \"" + sync.name() + "\" is running (run "
                            + r.id() + ", owner " + r.owner() + "); wait for it to finish");
                });
    }

    /** The snapshot version the destination's committed checkpoint names: the one a run would compare with. */
    private static OptionalLong namedSnapshot(SyncConfig sync, Destination destination) {
        return snapshotVersion(sync, destination.committedState(stateKey(sync)).map(CommittedState::checkpoint));
    }

    /** The snapshot version a diff sync's checkpoint names; empty for a first run. */
    private static OptionalLong snapshotVersion(SyncConfig sync, Optional<String> checkpoint) {
        return checkpoint.map(CheckpointCodec::decode).map(c -> switch (c) {
            case Checkpoint.Snapshot s when s.hashScheme().equals(RowHasher.SCHEME) -> OptionalLong.of(s.version());
            case Checkpoint.Snapshot s -> throw new TidemarkException(ErrorCode.CONFIG_INVALID, "sync \"" + sync.name()
                    + "\": its snapshot was hashed with " + s.hashScheme() + ", which this version cannot compare with; run `tidemark reset-tracking "
                    + sync.name() + "` (baseline now, sends nothing) or `tidemark resync " + sync.name() + "`");
            default -> throw new TidemarkException(ErrorCode.CONFIG_INVALID, "sync \"" + sync.name() + "\": the checkpoint is not a "
                    + "change-tracking snapshot (the sync_type was changed to diff); run `tidemark resync " + sync.name()
                    + "` to start change tracking, or `tidemark reset-tracking " + sync.name() + "` to take the model as baseline without sending");
        }).orElse(OptionalLong.empty());
    }

    private static void requireSnapshot(SyncConfig sync, SnapshotStore snapshots, OptionalLong base, ChangeShape shape) {
        if (base.isPresent() && snapshots.exists(base.getAsLong()) && !snapshots.fits(base.getAsLong(), shape)) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "sync \"" + sync.name() + "\": the primary key or record_matching "
                    + "(or their types) changed since the change-tracking snapshot " + base.getAsLong() + " was taken, so rows cannot be "
                    + "compared with it; run `tidemark reset-tracking " + sync.name() + "` (baseline now, sends nothing) or `tidemark resync "
                    + sync.name() + "` (sends every row as added)");
        }
        if (base.isPresent() && !snapshots.exists(base.getAsLong())) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "sync \"" + sync.name() + "\": the change-tracking snapshot "
                    + base.getAsLong() + " named by the destination's checkpoint is missing from " + snapshots.file()
                    + " (was the workspace's .tidemark folder removed or moved?); run `tidemark reset-tracking " + sync.name()
                    + "` to take the model's current result as the baseline (sends nothing), or `tidemark resync " + sync.name()
                    + "` to send every row as added");
        }
    }

    /** One change-tracking file per sync and destination object (the state key), so syncs never share a lock. */
    private SnapshotStore openSnapshots(SyncConfig sync) {
        return SnapshotStore.open(trackingDir.resolve(trackingName(sync) + ".duckdb"));
    }

    /** A scratch file of its own for each transfer: a plan may run beside a run of the same sync. */
    private Path spillFile(SyncConfig sync) {
        return trackingDir.resolve(trackingName(sync) + "-" + java.util.UUID.randomUUID() + ".rows.tmp");
    }

    private static String trackingName(SyncConfig sync) {
        String key = stateKey(sync);
        return sync.name() + "-" + Integer.toHexString(key.hashCode());
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

    /** Closes the state store if the engine owns it ({@link Builder#stateStore}); a shared store stays open. */
    @Override
    public void close() {
        if (ownsStore) store.close();
    }

    /** One run: reads, writes, commits data with the checkpoint, and records everything. */
    private final class Run implements CdcTransfer.Host {
        private final SyncConfig sync;
        private final ModelConfig model;
        private final Source source;
        private final Destination destination;
        private final RunRecord run;
        private final Optional<String> before;
        private final DiffTransfer.Purpose purpose;
        /** Everything is read and sent as if this were the first run (a resync, a reset of change tracking). */
        private final boolean fromScratch;
        private final RunListener listener;
        private final RunControl control;
        private long rowsRead;
        /** Rows a {@link #move} in progress has read so far: its caller adds them to {@link #rowsRead} when it returns. */
        private long readInMove;
        private long rowsWritten;
        private long rowsDeleted;
        private long rowsRejected;
        private long added;
        private long changed;
        private long removed;
        private long bytesMoved;
        /** The diff run's transfer, kept for the sync logs until they are written. */
        private DiffTransfer diff;
        private SnapshotStore snapshots;
        private List<RejectedRecord> rejections = List.of();
        private OptionalLong estimated = OptionalLong.empty();
        private Instant lastProgress = Instant.EPOCH;
        private Instant lastStoreProgress = Instant.EPOCH;
        /** The checkpoint the destination committed with the data; null until then. */
        private Checkpoint committed;
        private CdcTransfer cdc;
        private Instant lastStoredCheckpoint;
        /** How the source's columns compare with what the destination was built from, and what the run does about it. */
        private SchemaEvolution schema;

        Run(SyncConfig sync, ModelConfig model, Source source, Destination destination, RunRecord run,
            Optional<String> before, DiffTransfer.Purpose purpose, RunListener listener, RunControl control) {
            this.sync = sync;
            this.model = model;
            this.source = source;
            this.destination = destination;
            this.run = run;
            this.before = before;
            this.purpose = purpose;
            this.fromScratch = purpose != DiffTransfer.Purpose.RUN;
            this.listener = listener;
            this.control = control;
            this.lastStoredCheckpoint = clock.instant();
        }

        RunRecord execute() {
            try {
                control.throwIfCancelled(); // cancelled before it started
                StreamSchema described = describeAsIs(source, model);
                schema = SchemaEvolution.start(sync, fromScratch ? Optional.empty() : storedBaseline(sync));
                if (sync.syncType() == SyncType.DIFF) {
                    transferChanges(schema.shape(described, fromScratch));
                } else if (sync.syncType() == SyncType.CDC) {
                    cdc = new CdcTransfer(sync, source, model.spec(), destination, described, schema, this, clock, run.id(), run.startedAt(),
                            purpose, control, table -> stateKey(sync.name(), table));
                    committed = cdc.execute();
                    progress(true);
                } else {
                    SchemaShape rows = schema.shape(described, fromScratch);
                    transfer(SyncPlan.of(sync, rows.shaped(), before.map(CheckpointCodec::decode), fromScratch), rows);
                }
                if (cdc == null) schema.committed(); // a cdc run marks each of its commits as it makes them
                String encoded = CheckpointCodec.encode(committed);
                store.saveCheckpoint(run.syncId(), run.id(), encoded, reason());
                recordSchema();
                if (!rejections.isEmpty()) store.saveRejections(run.id(), rejections);
                boolean rejections = sync.syncType() == SyncType.DIFF && rowsRejected > 0; // only diffs retry them
                recordCaptureLag();
                if (cdc != null && control.cancelled()) {
                    // A cdc run stops at a transaction boundary with what it applied committed: cancelled, checkpoint moved.
                    return logged(store.finishRun(run.id(), RunStatus.CANCELLED, counts(), ErrorCode.CANCELLED.code(),
                            RunControl.CANCELLED_MESSAGE, encoded));
                }
                return logged(store.finishRun(run.id(), rejections ? RunStatus.SUCCEEDED_WITH_REJECTIONS : RunStatus.SUCCEEDED,
                        counts(), null, null, encoded));
            } catch (Throwable e) {
                if (committed != null && cdc == null) {
                    // The destination committed data and checkpoint: the run succeeded even if recording it failed;
                    // the next run reconciles the store from the destination's state.
                    log.error("sync {}: run {} committed but could not be recorded", sync.name(), run.id(), e);
                    rethrowIfError(e);
                    throw asTidemark(e);
                }
                TidemarkException error = asTidemark(e);
                log.debug("sync {}: run {} failed", sync.name(), run.id(), e);
                if (error.errorCode() == ErrorCode.CAPTURE_LAG_EXCEEDED || schema != null && schema.pauses()) {
                    store.setPaused(run.syncId(), true);
                    log.warn("sync {}: paused: {}", sync.name(), error.getMessage());
                }
                recordCaptureLag();
                // Nothing committed is rolled back: the destination dropped what its open writer held. A cdc run may have
                // committed transactions before it stopped: its checkpoint is where it got to.
                String after = before.orElse(null);
                try {
                    if (committed != null) {
                        after = CheckpointCodec.encode(committed);
                        store.saveCheckpoint(run.syncId(), run.id(), after, "change log applied");
                    }
                    recordSchema();
                } catch (RuntimeException recording) {
                    // The run's end must still be recorded; the next run reconciles the checkpoint from the destination.
                    log.warn("sync {}: run {}: could not record its checkpoint or schema changes: {}", sync.name(), run.id(), recording.toString());
                    error.addSuppressed(recording);
                }
                boolean cancelled = error.errorCode() == ErrorCode.CANCELLED;
                RunRecord failed = logged(store.finishRun(run.id(), cancelled ? RunStatus.CANCELLED : RunStatus.FAILED, counts(),
                        error.errorCode().code(), cancelled ? error.getMessage() : prefixed(sync, error.getMessage()), after));
                rethrowIfError(e);
                return failed;
            } finally {
                closeSnapshots();
            }
        }

        /**
         * Keeps what the run did about schema changes: on the run, in the audit trail and, as far as the destination
         * committed the new shape, as the sync's baseline. A change decided but not committed (the run failed, or a cdc
         * run stopped before its next commit) is not kept: the next run meets it again.
         */
        private void recordSchema() {
            if (schema == null) return;
            schema.changedBaseline().ifPresent(b -> store.saveSchemaBaseline(run.syncId(), b.toJson()));
            List<SchemaEvolution.Decision> recorded = schema.recorded();
            if (recorded.isEmpty()) return;
            store.saveSchemaChanges(run.id(), recorded.stream().map(SchemaEvolution.Decision::record).toList());
            for (SchemaEvolution.Decision d : recorded) {
                log.info("sync {}: run {}: {}", sync.name(), run.id(), d.describe());
                store.appendAudit(new AuditEntry("tidemark", "schema " + d.action().configName(), "sync/" + sync.name(),
                        d.change().before(), d.change().after(), Optional.of(d.describe() + " (run " + run.id() + ")")));
            }
        }

        /** A cdc run records how much log the source keeps for the sync as it ends. */
        private void recordCaptureLag() {
            if (cdc == null) return;
            try {
                cdc.status().ifPresent(s -> store.recordCaptureLag(run.id(), captureLag(s, Optional.ofNullable(committed))));
            } catch (RuntimeException e) {
                log.warn("sync {}: could not read the capture's lag: {}", sync.name(), e.getMessage());
            }
        }

        @Override
        public void checkpointed(Checkpoint.Log checkpoint) {
            committed = checkpoint;
            schema.committed();
            Instant now = clock.instant();
            if (Duration.between(lastStoredCheckpoint, now).compareTo(CHECKPOINT_STORE_INTERVAL) >= 0) {
                lastStoredCheckpoint = now;
                store.saveCheckpoint(run.syncId(), run.id(), CheckpointCodec.encode(checkpoint), "change log applied");
            }
        }

        private String reason() {
            return switch (purpose) {
                case RUN -> "run";
                case RESYNC -> "resync";
                case RESET_TRACKING -> "reset tracking: the model's current result is the new baseline";
                case PLAN -> throw new IllegalStateException("a plan commits nothing");
            };
        }

        /** A diff sync: classify against the snapshot the destination's checkpoint names, apply the difference. */
        private void transferChanges(SchemaShape rows) {
            ChangeShape shape = changeShape(sync, rows);
            OptionalLong base = fromScratch ? OptionalLong.empty() : snapshotVersion(sync, before);
            snapshots = openSnapshots(sync);
            // A resync or reset keeps the snapshot the destination still names until its own commit replaces it.
            if (!fromScratch) snapshots.retainOnly(base);
            requireSnapshot(sync, snapshots, base, shape);
            WriteRequest request = new WriteRequest(stateKey(sync), sync.target(), shape.destination(), WriteMode.CHANGES,
                    run.id(), run.startedAt(), List.of());
            diff = new DiffTransfer(sync, model, read -> rows.read(source, read), () -> destination.open(request), shape, snapshots,
                    spillFile(sync), this, clock, run.id(), base, purpose, control, stateKey(sync), 0,
                    registry.get(workspace.connection(sync.destination()).type()).capabilities().contains(io.tidemark.api.Capability.STAGED_WRITES));
            DiffTransfer.Outcome outcome = diff.execute();
            committed = outcome.committed().orElseThrow();
            rejections = outcome.rejections();
            progress(true);
        }

        /** The run's history row (and a diff run's changes) into the destination, when its connection asks for it. */
        private RunRecord logged(RunRecord finished) {
            if (!workspace.connection(sync.destination()).syncLogs()) return finished;
            try {
                SyncLogs.write(destination, sync.target().namespace(), finished,
                        diff != null && finished.status().succeeded() && purpose != DiffTransfer.Purpose.RESET_TRACKING ? Optional.of(diff) : Optional.empty());
            } catch (RuntimeException e) {
                log.warn("sync {}: run {} finished but its sync logs could not be written to {}: {}", sync.name(), run.id(),
                        sync.destination(), e.getMessage());
            }
            return finished;
        }

        private void closeSnapshots() {
            if (diff != null) {
                try {
                    diff.cleanUp();
                } catch (RuntimeException e) {
                    log.debug("sync {}: work tables stay until the next run: {}", sync.name(), e.getMessage());
                }
            }
            closeQuietly(snapshots);
        }

        /** Errors (out of memory…) are recorded on the run and then left to the JVM. */
        private static void rethrowIfError(Throwable e) {
            if (e instanceof Error error) throw error;
        }

        /** Reads, writes and commits; sets {@link #committed} the moment the destination has committed. */
        private void transfer(SyncPlan plan, SchemaShape rows) {
            WriteRequest request = new WriteRequest(stateKey(sync), sync.target(), plan.schema(), plan.writeMode(), run.id(),
                    run.startedAt(), plan.appendDedupColumns(), plan.historyColumns());
            ReadRequest read = new ReadRequest(model.spec(), plan.schema(), sync.syncType(), plan.window(), sync.batchSize());
            try (StreamReader reader = rows.read(source, read); StreamWriter writer = destination.open(request)) {
                rowsRead += move(reader, writer);
                progress(true);
                control.throwIfCancelled(); // the last safe point: closing the writer uncommitted rolls the destination back
                Checkpoint after = plan.window().flatMap(w -> highWaterMark(w, reader.cursorUpperBound()))
                        .orElseGet(() -> new Checkpoint.Refresh(rowsRead, clock.instant()));
                writer.commit(new CommittedState(stateKey(sync), run.id(), CheckpointCodec.encode(after), clock.instant()));
                committed = after;
                rowsWritten -= writer.skippedRows();
            }
        }

        /** Moves every row of {@code reader} into {@code writer}, undecoded when both ends speak a raw format. */
        @Override
        public long move(StreamReader reader, StreamWriter writer) {
            estimated = reader.estimatedRows();
            Optional<RawStream> raw = writer.rawFormats().isEmpty() ? Optional.empty() : reader.openRaw(writer.rawFormats());
            if (raw.isPresent()) {
                // A raw COPY passthrough cannot stop between batches (one COPY carries the whole table): a cancel is
                // honoured before it starts and once it ended, before anything commits.
                control.throwIfCancelled();
                long rows = writer.writeRaw(countingBytes(raw.get()));
                rowsWritten += rows;
                control.throwIfCancelled();
                return rows;
            }
            try {
                BatchPump.run(reader, sync.name(), control, batch -> {
                    readInMove += batch.size();
                    WriteResult result = writer.write(batch);
                    rowsWritten += result.written();
                    rowsDeleted += result.deleted();
                    if (!result.rejected().isEmpty()) {
                        rowsRejected += result.rejected().size();
                        throw new TidemarkException(ErrorCode.DESTINATION_REJECTED, "the destination rejected "
                                + result.rejected().size() + " rows (first: key " + result.rejected().getFirst().key()
                                + ": " + result.rejected().getFirst().reason() + "); fix the data or the destination table");
                    }
                    progress(false);
                });
                return readInMove;
            } finally {
                readInMove = 0;
            }
        }

        /**
         * The new mark: the read's upper bound, but never below the previous mark — a look-back window can end below
         * it when the rows at the mark were deleted, and moving the mark back would re-read history every run.
         */
        private Optional<Checkpoint> highWaterMark(CursorWindow window, Optional<Object> upper) {
            Optional<Object> previous = fromScratch ? Optional.empty() : before.map(CheckpointCodec::decode)
                    .filter(Checkpoint.Cursor.class::isInstance).map(c -> ((Checkpoint.Cursor) c).typedValue());
            Optional<Object> mark = upper.isEmpty() ? previous
                    : previous.filter(p -> Values.compare(p, upper.get()) > 0).or(() -> upper);
            return mark.map(m -> Checkpoint.Cursor.of(window.column(), window.type(), m));
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
                notifyListener(listener::progress, new Progress(rowsRead + readInMove, rowsWritten, bytesMoved, estimated));
            }
            if (!force && Duration.between(lastStoreProgress, now).compareTo(STORE_PROGRESS_INTERVAL) >= 0) {
                lastStoreProgress = now;
                try {
                    store.updateProgress(run.id(), counts());
                } catch (RuntimeException e) {
                    // Live counters are informational; a busy store must not fail a healthy run.
                    log.warn("sync {}: could not record progress of run {}: {}", sync.name(), run.id(), e.getMessage());
                }
            }
        }

        private RunCounts counts() {
            return new RunCounts(rowsRead + readInMove, Math.max(0, rowsWritten), rowsDeleted, rowsRejected, added, changed, removed);
        }

        @Override
        public void read(long rows) { rowsRead += rows; }

        @Override
        public void planned(long added, long changed, long removed) {
            this.added = added;
            this.changed = changed;
            this.removed = removed;
        }

        @Override
        public void applied(long written, long deleted, long rejected) {
            rowsWritten += written;
            rowsDeleted += deleted;
            rowsRejected += rejected;
        }

        @Override
        public void progress() { progress(false); }
    }

    public static final class Builder {
        private WorkspaceConfig workspace;
        private StateStore store;
        private boolean ownsStore;
        private ConnectorRegistry registry;
        private Clock clock = Clock.systemUTC();
        private String owner = Owner.current();
        private Predicate<String> ownerAlive = Owner::isAlive;
        private Path trackingDir;

        /** Where diff syncs keep their snapshots; default {@code .tidemark/tracking} beside the workspace file. */
        public Builder trackingDir(Path dir) { this.trackingDir = dir; return this; }

        public Builder workspace(WorkspaceConfig workspace) { this.workspace = workspace; return this; }
        /** The engine takes ownership of the store: {@link SyncEngine#close()} closes it. */
        public Builder stateStore(StateStore store) {
            this.store = store;
            this.ownsStore = true;
            return this;
        }

        /**
         * The engine uses a store its caller owns and closes: {@link SyncEngine#close()} leaves it open. For a
         * long-lived server that builds an engine per configuration version over one store.
         */
        public Builder sharedStateStore(StateStore store) {
            this.store = store;
            this.ownsStore = false;
            return this;
        }
        public Builder registry(ConnectorRegistry registry) { this.registry = registry; return this; }
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }
        public Builder owner(String owner, Predicate<String> alive) { this.owner = owner; this.ownerAlive = alive; return this; }

        public SyncEngine build() { return new SyncEngine(this); }
    }
}
