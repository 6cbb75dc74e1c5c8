package io.tidemark.engine;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCategory;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteResult;
import io.tidemark.engine.checkpoint.Checkpoint;
import io.tidemark.engine.checkpoint.CheckpointCodec;
import io.tidemark.engine.config.DeleteBehavior;
import io.tidemark.engine.config.ModelConfig;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.api.ChangeClass;
import io.tidemark.engine.diff.ChangeShape;
import io.tidemark.engine.diff.KeyText;
import io.tidemark.engine.diff.RowHasher;
import io.tidemark.engine.diff.RowSpill;
import io.tidemark.engine.diff.SnapshotStore;
import io.tidemark.engine.mapping.TransformException;
import io.tidemark.store.RejectedRecord;

import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One diff run: reads the model once, keeps each row's key and hash in the snapshot store (and the full row in a
 * scratch file when there is a base to compare with), hash-joins with the base snapshot, applies only the difference
 * as keyed changes, isolates rows the destination refuses (and rejects rows a {@code field_mapping} transform cannot
 * shape), and commits the new snapshot before the destination commits the checkpoint that names it (ADR 0005).
 */
final class DiffTransfer {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DiffTransfer.class);

    /** How many rejected rows a run records in detail; the count covers all. */
    static final int REJECTIONS_KEPT = 1_000;

    /** The most rows handed to a writer's concurrent applies at once. */
    static final int ROWS_IN_FLIGHT = 50_000;

    /** What the transfer is for. */
    enum Purpose {
        /** Compare with the base and send the difference. */
        RUN,
        /** As a first run: every row added, removals not sent. */
        RESYNC,
        /** Take the model as the new baseline; send nothing. */
        RESET_TRACKING,
        /** Compute what a run would do; write nothing, keep nothing. */
        PLAN
    }

    /**
     * What the transfer did: the snapshot checkpoint it committed (none for a plan), the first rejected rows, the
     * planned counts, and for a plan the sample rows per class (destination fields; the key for removed rows).
     */
    record Outcome(Optional<Checkpoint.Snapshot> committed, List<RejectedRecord> rejections, Map<ChangeClass, Long> planned,
                   Map<ChangeClass, List<Map<String, Object>>> samples) {}

    private final SyncConfig sync;
    private final ModelConfig model;
    /** Opens the read of the model (in the shape the run writes). */
    private final Function<ReadRequest, StreamReader> reads;
    private final Supplier<StreamWriter> openWriter;
    private final ChangeShape shape;
    private final SnapshotStore store;
    private final Path spillFile;
    private final RunTally tally;
    private final Clock clock;
    private final long runId;
    private final OptionalLong base;
    private final Purpose purpose;
    private final RunControl control;
    private final String stateKey;
    private final int samplesPerClass;
    /** The destination keeps what is applied invisible until commit ({@link io.tidemark.api.Capability#STAGED_WRITES}). */
    private final boolean stagedWrites;
    private final List<RejectedRecord> rejections = new ArrayList<>();
    /** Guards the tally, the rejections and the loader's rejection marks, which apply lanes update concurrently. */
    private final Object outcomes = new Object();
    /** Rejections not yet marked in the loader, whose DuckDB connection only the reading thread may use. */
    private final List<Unmarked> unmarked = new ArrayList<>();
    private SnapshotStore.Loader loader;
    private ApplyLanes lanes;

    private record Unmarked(ChangeClass change, List<Object> key, String reason) {}

    DiffTransfer(SyncConfig sync, ModelConfig model, Function<ReadRequest, StreamReader> reads, Supplier<StreamWriter> openWriter, ChangeShape shape,
                 SnapshotStore store, Path spillFile, RunTally tally, Clock clock, long runId, OptionalLong base, Purpose purpose,
                 RunControl control, String stateKey, int samplesPerClass, boolean stagedWrites) {
        this.sync = sync;
        this.model = model;
        this.reads = reads;
        this.openWriter = openWriter;
        this.shape = shape;
        this.store = store;
        this.spillFile = spillFile;
        this.tally = tally;
        this.clock = clock;
        this.runId = runId;
        this.base = base;
        this.purpose = purpose;
        this.control = control;
        this.stateKey = stateKey;
        this.samplesPerClass = samplesPerClass;
        this.stagedWrites = stagedWrites;
    }

    Outcome execute() {
        int[] sent = shape.sentColumns();
        // Without a base every row is added: rows flow straight to the destination, no scratch copy needed.
        // Only where the destination stages writes: duplicate keys are found after the read, and must leave nothing sent.
        boolean direct = stagedWrites && base.isEmpty() && (purpose == Purpose.RUN || purpose == Purpose.RESYNC);
        Map<ChangeClass, List<Map<String, Object>>> samples = new EnumMap<>(ChangeClass.class);
        ReadRequest read = new ReadRequest(model.spec(), shape.model(), sync.syncType(), Optional.empty(), sync.batchSize());
        StreamWriter writer = null;
        try (RowSpill rows = direct ? null : new RowSpill(spillFile, shape.model());
             StreamReader reader = reads.apply(read)) {
            loader = store.load(shape);
            if (direct) writer = openWriterAndLanes();
            Batcher added = direct ? new Batcher(writer, ChangeClass.ADDED) : null;
            BatchPump.run(reader, sync.name(), control, batch -> {
                for (Object[] row : batch.rows()) {
                    long offset = rows == null ? -1 : rows.append(row);
                    loader.add(row, RowHasher.hash(row, sent), offset);
                    if (added != null) added.add(row);
                }
                synchronized (outcomes) {
                    tally.read(batch.size());
                    tally.progress();
                }
            });
            if (added != null) {
                added.flush();
                drainLanes();
            }
            long diffStart = System.nanoTime();
            refuseDuplicateKeys();
            Map<ChangeClass, Long> planned = purpose == Purpose.RESET_TRACKING ? Map.of() : loader.classify(base);
            log.debug("sync {}: diff step (key check and hash join) took {} ms: {}", sync.name(),
                    (System.nanoTime() - diffStart) / 1_000_000, planned);
            tally.planned(planned.getOrDefault(ChangeClass.ADDED, 0L), planned.getOrDefault(ChangeClass.CHANGED, 0L),
                    planned.getOrDefault(ChangeClass.REMOVED, 0L));
            if (purpose == Purpose.PLAN) {
                collectSamples(rows, samples);
                return new Outcome(Optional.empty(), List.of(), planned, samples);
            }
            if (!direct && (purpose == Purpose.RUN || purpose == Purpose.RESYNC)) {
                writer = openWriterAndLanes();
                applyDifference(writer, rows);
            } else if (writer == null) {
                writer = openWriter.get(); // reset-tracking: the checkpoint still commits at the destination
            }
            // The last safe point: past it the snapshot commits, and the destination must then commit the checkpoint naming it.
            control.throwIfCancelled();
            CrashPoint.APPLIED.reach();
            long version = runId;
            loader.commit(version, base);
            CrashPoint.SNAPSHOT_COMMITTED.reach();
            Checkpoint.Snapshot after = new Checkpoint.Snapshot(version, store.rows(version), RowHasher.SCHEME);
            writer.commit(new CommittedState(stateKey, runId, CheckpointCodec.encode(after), clock.instant()));
            dropOlderSnapshots(version);
            return new Outcome(Optional.of(after), List.copyOf(rejections), planned, samples);
        } finally {
            if (lanes != null) lanes.close();
            closeWriter(writer);
        }
    }

    /**
     * Opens the writer and as many apply lanes as it takes, but no more than keep {@link #ROWS_IN_FLIGHT} rows in
     * flight: memory stays flat whatever the batch size, and a writer that sends one batch as many requests (an API
     * with small request batches) still has enough of them to fill its concurrency.
     */
    private StreamWriter openWriterAndLanes() {
        StreamWriter writer = openWriter.get();
        lanes = new ApplyLanes(Math.min(writer.maxConcurrentApplies(), Math.max(1, ROWS_IN_FLIGHT / sync.batchSize())));
        return writer;
    }

    /**
     * Every classified row of the run with what became of it: {@code applied}, {@code rejected} (with the reason)
     * or {@code skipped} (the mode does not send that class). Valid after {@link #execute}, before {@link #cleanUp}.
     */
    void forEachChange(ChangeLogVisitor visitor) {
        loader.forEachChange((change, key, reason) -> visitor.visit(change, key,
                reason != null ? "rejected" : sends(change) ? "applied" : "skipped", reason));
    }

    /** Drops the run's work tables; the snapshot stays. Best effort: the next run drops leftovers too. */
    void cleanUp() {
        if (loader != null) loader.dropWorkTables();
    }

    private boolean sends(ChangeClass change) {
        return (purpose == Purpose.RUN || purpose == Purpose.RESYNC) && opFor(change).isPresent();
    }

    @FunctionalInterface
    interface ChangeLogVisitor {
        void visit(ChangeClass change, String key, String status, String reason);
    }

    private void refuseDuplicateKeys() {
        List<String> duplicates = loader.duplicateKeys(3);
        if (!duplicates.isEmpty()) {
            throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "sync \"" + sync.name() + "\": the model has duplicate "
                    + "primary keys (" + String.join("; ", duplicates) + "), so rows cannot be tracked by key; nothing was sent. "
                    + "Fix the model's query or set primary_key to columns that identify a row");
        }
    }

    private void applyDifference(StreamWriter writer, RowSpill rows) {
        // Removals first: when a new row takes over a matching value (record_matching on a non-key field), deleting
        // after the upsert would delete the record just written.
        removals(writer);
        drainLanes();
        Map<ChangeClass, Batcher> batchers = new EnumMap<>(ChangeClass.class);
        batchers.put(ChangeClass.ADDED, new Batcher(writer, ChangeClass.ADDED));
        batchers.put(ChangeClass.CHANGED, new Batcher(writer, ChangeClass.CHANGED));
        try (RowSpill.Reader in = rows.reader()) {
            loader.forEachSent(-1, (change, offset) -> batchers.get(change).add(in.at(offset)));
        }
        batchers.values().forEach(Batcher::flush);
        drainLanes();
    }

    private void removals(StreamWriter writer) {
        Batcher removed = new Batcher(writer, ChangeClass.REMOVED, removalSchema(sync, shape));
        if (!removed.sends()) return;
        OffsetDateTime deletedAt = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        loader.forEachRemoved(-1, (key, match) -> removed.add(removalRow(sync, removed.schema, match, deletedAt), key));
        removed.flush();
    }

    private Optional<ChangeOp> opFor(ChangeClass change) { return opFor(sync, change); }

    /** Which operation a row of {@code change} becomes under the sync's mode and delete behaviour; empty = not sent. */
    static Optional<ChangeOp> opFor(SyncConfig sync, ChangeClass change) {
        if (change == ChangeClass.REMOVED) {
            if (!sync.mode().appliesRemovals()) return Optional.empty();
            return switch (sync.deleteBehavior()) {
                case NOTHING -> Optional.empty();
                case DELETE -> Optional.of(ChangeOp.DELETE);
                case CLEAR_FIELDS, SOFT_DELETE -> Optional.of(ChangeOp.UPDATE);
            };
        }
        return switch (sync.mode()) {
            case INSERT -> change == ChangeClass.ADDED ? Optional.of(ChangeOp.INSERT) : Optional.empty();
            case UPDATE -> Optional.of(ChangeOp.UPDATE);
            case UPSERT, MIRROR -> Optional.of(ChangeOp.UPSERT);
        };
    }

    /** The fields a removal sends: the matching fields, plus the cleared fields or the soft-delete time. */
    static StreamSchema removalSchema(SyncConfig sync, ChangeShape shape) {
        return switch (sync.deleteBehavior()) {
            case CLEAR_FIELDS -> shape.clearSchema();
            case SOFT_DELETE -> shape.softDeleteSchema();
            case DELETE, NOTHING -> shape.matchSchema();
        };
    }

    /** A removal's fields: the matching values, nulls for cleared fields, or {@code deletedAt} for a soft delete. */
    static Object[] removalRow(SyncConfig sync, StreamSchema schema, List<Object> match, OffsetDateTime deletedAt) {
        Object[] row = new Object[schema.columns().size()];
        for (int i = 0; i < match.size(); i++) row[i] = match.get(i);
        if (sync.deleteBehavior() == DeleteBehavior.SOFT_DELETE) row[row.length - 1] = deletedAt;
        return row;
    }

    /**
     * Groups the destination rows of one class, with their model keys, into batches of {@code batch_size}; rows of a
     * class the sync's mode does not send are dropped.
     */
    private final class Batcher {
        private final StreamWriter writer;
        private final ChangeClass change;
        private final StreamSchema schema;
        private final Optional<ChangeOp> op;
        private final List<Object[]> rows = new ArrayList<>();
        private final List<List<Object>> keys = new ArrayList<>();

        Batcher(StreamWriter writer, ChangeClass change) { this(writer, change, shape.destination()); }

        Batcher(StreamWriter writer, ChangeClass change, StreamSchema schema) {
            this.writer = writer;
            this.change = change;
            this.schema = schema;
            this.op = opFor(change);
        }

        boolean sends() { return op.isPresent(); }

        /** A model row of an added or changed record; one a transform cannot shape is rejected, the others go on. */
        void add(Object[] modelRow) {
            if (!sends()) return;
            try {
                add(shape.toDestination(modelRow), shape.key(modelRow));
            } catch (TransformException e) {
                rejectAlone(change, shape.key(modelRow), e.getMessage());
            }
        }

        void add(Object[] destinationRow, List<Object> key) {
            rows.add(destinationRow);
            keys.add(key);
            if (rows.size() >= sync.batchSize()) flush();
        }

        /** Applies the batch (uncommitted); between batches a cancelled run stops. */
        void flush() {
            if (rows.isEmpty()) return;
            control.throwIfCancelled();
            List<Object[]> batchRows = List.copyOf(rows);
            List<List<Object>> batchKeys = List.copyOf(keys);
            lanes.submit(() -> apply(writer, op.orElseThrow(), schema, batchRows, batchKeys, change));
            markRejections();
            rows.clear();
            keys.clear();
            synchronized (outcomes) {
                tally.progress();
            }
        }
    }

    /**
     * Applies one batch; when the destination refuses a row the batch is split in halves until the row is alone,
     * so one bad row costs about log2(batch) extra calls and every good row is still applied.
     */
    private void apply(StreamWriter writer, ChangeOp op, StreamSchema schema, List<Object[]> rows, List<List<Object>> keys,
                       ChangeClass change) {
        WriteResult result;
        try {
            result = writer.apply(new ChangeBatch(op, new RowBatch(schema, rows), change));
        } catch (TidemarkException e) {
            if (e.errorCode().category() != ErrorCategory.DESTINATION_REJECTED) throw e;
            if (rows.size() == 1) {
                rejectAlone(change, keys.getFirst(), e.getMessage());
                return;
            }
            int half = rows.size() / 2;
            apply(writer, op, schema, rows.subList(0, half), keys.subList(0, half), change);
            apply(writer, op, schema, rows.subList(half, rows.size()), keys.subList(half, rows.size()), change);
            return;
        }
        // Nothing left to do, so neither a rejection nor retried: a removal whose record is already gone, an insert
        // whose record the destination already holds (insert-only syncs never overwrite). A refused record always is.
        boolean opRejects = change != ChangeClass.REMOVED && op != ChangeOp.INSERT;
        List<RejectedRow> rejected = result.rejected().stream().filter(r -> r.refused() || opRejects).toList();
        synchronized (outcomes) {
            tally.applied(result.written(), result.deleted(), rejected.size());
        }
        if (!rejected.isEmpty()) {
            Map<List<Object>, List<Object>> modelKeyByMatch = new HashMap<>();
            int[] matchPositions = schema.primaryKey().stream().mapToInt(schema::indexOf).toArray();
            for (int i = 0; i < rows.size(); i++) {
                List<Object> match = new ArrayList<>(matchPositions.length);
                for (int p : matchPositions) match.add(rows.get(i)[p]);
                modelKeyByMatch.put(match, keys.get(i));
            }
            synchronized (outcomes) {
                for (RejectedRow r : rejected) reject(change, modelKeyByMatch.getOrDefault(r.key(), r.key()), r.reason());
            }
        }
    }

    /** Marks the rejections so far in the loader; on the reading thread only. */
    private void markRejections() {
        List<Unmarked> marks;
        synchronized (outcomes) {
            marks = List.copyOf(unmarked);
            unmarked.clear();
        }
        marks.forEach(m -> loader.reject(m.change(), m.key(), m.reason()));
    }

    /** Waits for the lanes and marks every rejection, before the next phase reads or commits the snapshot. */
    private void drainLanes() {
        lanes.drain();
        markRejections();
    }

    /** The destination now names {@code version}; older snapshots can go (best effort: the next run drops them too). */
    private void dropOlderSnapshots(long version) {
        try {
            store.retainOnly(OptionalLong.of(version));
        } catch (RuntimeException e) {
            log.debug("sync {}: older snapshots stay until the next run: {}", sync.name(), e.getMessage());
        }
    }

    /** A writer that fails to close after its commit must not turn a committed run into a failed one. */
    private void closeWriter(StreamWriter writer) {
        if (writer == null) return;
        try {
            writer.close();
        } catch (RuntimeException e) {
            log.warn("sync {}: closing the destination writer failed: {}", sync.name(), e.getMessage());
        }
    }

    /** Rejects one row that was not applied at all, and counts it. */
    private void rejectAlone(ChangeClass change, List<Object> key, String reason) {
        synchronized (outcomes) {
            reject(change, key, reason);
            tally.applied(0, 0, 1);
        }
    }

    /**
     * Records a refused change; {@link #markRejections} later keeps it out of the new snapshot, so the next run sends
     * it again. Called with {@link #outcomes} held.
     */
    private void reject(ChangeClass change, List<Object> key, String reason) {
        unmarked.add(new Unmarked(change, key, reason));
        if (rejections.size() < REJECTIONS_KEPT) {
            rejections.add(new RejectedRecord(change.configName(), KeyText.render(sync.primaryKey(), key), reason));
        }
    }

    private void collectSamples(RowSpill rows, Map<ChangeClass, List<Map<String, Object>>> samples) {
        for (ChangeClass c : ChangeClass.values()) samples.put(c, new ArrayList<>());
        try (RowSpill.Reader in = rows.reader()) {
            loader.forEachSent(samplesPerClass, (change, offset) -> samples.get(change).add(sample(in.at(offset))));
        }
        loader.forEachRemoved(samplesPerClass, (key, match) -> samples.get(ChangeClass.REMOVED).add(keyFields(key)));
    }

    /** A sent row as the plan shows it: its destination fields, or its key and why a transform cannot shape it. */
    private Map<String, Object> sample(Object[] modelRow) {
        try {
            return fields(shape.destination(), shape.toDestination(modelRow));
        } catch (TransformException e) {
            Map<String, Object> sample = keyFields(shape.key(modelRow));
            sample.put(ChangePlan.TRANSFORM_ERROR, e.getMessage());
            return sample;
        }
    }

    /** The primary key of a row as sample fields. */
    private Map<String, Object> keyFields(List<Object> key) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < key.size(); i++) fields.put(sync.primaryKey().get(i), key.get(i));
        return fields;
    }

    static Map<String, Object> fields(StreamSchema schema, Object[] row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < row.length; i++) out.put(schema.columns().get(i).name(), row[i]);
        return out;
    }
}
