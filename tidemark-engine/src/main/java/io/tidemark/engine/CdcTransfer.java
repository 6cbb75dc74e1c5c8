package io.tidemark.engine;

import io.tidemark.api.CaptureSpec;
import io.tidemark.api.CaptureStatus;
import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeCapture;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.ChangeStream;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.LogEvent;
import io.tidemark.api.LogPosition;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import io.tidemark.engine.checkpoint.Checkpoint;
import io.tidemark.engine.checkpoint.CheckpointCodec;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.schema.SchemaEvolution;
import io.tidemark.engine.schema.SchemaShape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * A {@code cdc} sync's run. A new capture (first run, resync) loads the table as of the capture's consistent point,
 * then every run applies the change log from where the destination's checkpoint says it stopped.
 *
 * <p>Exactly once: changes are applied in destination transactions that end on source transaction boundaries and
 * commit together with the log position they reach; the position is acknowledged to the source only after that
 * commit. On resume, a transaction whose commit position is below what a table committed is skipped for that table,
 * so whatever the source re-sends after a crash is applied once.
 *
 * <p>Each destination table (the mirror, the change log, or both) keeps its own checkpoint, so each is exactly once
 * on its own; the log is read from the earliest of them.
 */
final class CdcTransfer {
    static final String CHANGELOG_SUFFIX = "_changelog";
    static final String OP = "_tidemark_op";
    static final String POSITION = "_tidemark_position";
    static final String LSN = "_tidemark_lsn";
    static final String COMMIT_TIME = "_tidemark_commit_time";
    static final String SEQ = "_tidemark_change_seq";
    static final String UNCHANGED = "_tidemark_unchanged";
    /** The change log's operation for rows of the initial snapshot. */
    static final String SNAPSHOT_OP = "snapshot";

    private static final Logger log = LoggerFactory.getLogger(CdcTransfer.class);
    /** While changes keep coming, commit at least this often so they become visible quickly. */
    private static final Duration MAX_COMMIT_DELAY = Duration.ofMillis(200);
    private static final Duration POLL_WAIT = Duration.ofMillis(100);
    /**
     * A plain run gives up waiting for the log to reach the end it saw at start after this long without news (the
     * source decoding a huge transaction of other tables sends nothing meanwhile); nothing is lost, the next run goes on.
     */
    private static final Duration QUIET_END = Duration.ofMinutes(2);
    /** A following run re-checks the capture's lag this often. */
    private static final Duration LAG_CHECK_INTERVAL = Duration.ofSeconds(30);

    /** What the run does besides applying: move a snapshot, record checkpoints, count. */
    interface Host extends RunTally {
        /** Moves a reader into a writer (raw passthrough when both ends speak one); returns rows moved. */
        long move(StreamReader reader, StreamWriter writer);

        /** The checkpoint of the sync's own table, committed; the store records it (throttled by the caller). */
        void checkpointed(Checkpoint.Log checkpoint);
    }

    private final SyncConfig sync;
    private final io.tidemark.api.Source source;
    private final io.tidemark.api.ModelSpec model;
    /** The table as described when the run started. */
    private final StreamSchema described;
    private final SchemaEvolution evolution;
    /** The columns the capture's log entries have until it says otherwise: set when the capture is chosen. */
    private StreamSchema sourceSchema;
    /** From the log's current columns to the ones written. */
    private SchemaShape shape;
    /** The capture this run reads; chosen in {@link #execute}. */
    private ChangeCapture capture;
    private String captureName;
    private final Destination destination;
    /** The columns written to the mirror, with the key records are matched by. */
    private StreamSchema schema;
    /** The change log's rows: the table's columns, all nullable (a delete logs only the key), then the change's own. */
    private StreamSchema changelogSchema;
    private final Host host;
    private final Clock clock;
    private final long runId;
    private final Instant runStartedAt;
    private final DiffTransfer.Purpose purpose;
    private final RunControl control;
    private final Function<StreamId, String> stateKey;
    private final List<Target> targets = new ArrayList<>();
    private final Target primary;
    private long inserts;
    private long updates;
    private long deletes;
    private LogEvent.Begin transaction;
    /** A shape change met in the already-applied start of a transaction, not yet applied (see {@link #applyHeldShape}). */
    private StreamSchema heldShape;
    private int sequence;
    private Instant firstUncommitted;
    private LogPosition lastCommitted;
    private Instant lastSourceTime;
    private LogPosition acknowledged;


    /**
     * @param described the table as the source describes it now
     * @param evolution compares the table's columns with what the destination was built from, before the run and
     *                  whenever the log says the table changed shape
     */
    CdcTransfer(SyncConfig sync, io.tidemark.api.Source source, io.tidemark.api.ModelSpec model, Destination destination,
                StreamSchema described, SchemaEvolution evolution, Host host, Clock clock, long runId, Instant runStartedAt,
                DiffTransfer.Purpose purpose, RunControl control, Function<StreamId, String> stateKey) {
        this.sync = sync;
        this.source = source;
        this.model = model;
        this.described = keyed(sync, described);
        this.evolution = evolution;
        this.sourceSchema = this.described;
        this.destination = destination;
        if (this.described.primaryKey().isEmpty()) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "table " + described.id() + " has no primary key, so changes cannot "
                    + "be applied by key; set primary_key on the model (and REPLICA IDENTITY FULL on the table)");
        }
        this.host = host;
        this.clock = clock;
        this.runId = runId;
        this.runStartedAt = runStartedAt;
        this.purpose = purpose;
        this.control = control;
        this.stateKey = stateKey;
        reshape(SchemaShape.identity(this.described));
        List<StreamId> tables = tables(sync);
        for (int i = 0; i < tables.size(); i++) targets.add(new Target(tables.get(i), sync.cdcTableMode().logs() && i == 0));
        // The sync's own table is the one its state-store checkpoint mirrors: the mirror when there is one.
        this.primary = targets.getLast();
    }

    /** {@code schema} with the key records are matched by: the sync's, else the table's. */
    private static StreamSchema keyed(SyncConfig sync, StreamSchema schema) {
        return sync.primaryKey().isEmpty() ? schema : schema.withPrimaryKey(sync.primaryKey());
    }

    /** Writes in {@code next} from now on: the mirror's and change log's schemas follow it. */
    private void reshape(SchemaShape next) {
        shape = next;
        schema = keyed(sync, next.shaped());
        changelogSchema = changelogSchema(schema);
        targets.forEach(Target::keyed);
    }

    /** Where the change log goes when the sync keeps a mirror too. */
    static StreamId changelogTable(StreamId table) { return new StreamId(table.namespace(), table.name() + CHANGELOG_SUFFIX); }

    /**
     * The name of a capture started by run {@code runId}: the sync's state key (so syncs never share one) and the run
     * (so a new start never reuses the name of the capture an older checkpoint belongs to).
     */
    static String captureName(String stateKey, long runId) { return stateKey + "#" + runId; }

    /** The destination tables this sync writes, the change log first. */
    static List<StreamId> tables(SyncConfig sync) {
        List<StreamId> tables = new ArrayList<>();
        if (sync.cdcTableMode().logs()) tables.add(sync.cdcTableMode().mirrors() ? changelogTable(sync.target()) : sync.target());
        if (sync.cdcTableMode().mirrors()) tables.add(sync.target());
        return tables;
    }

    /** The capture, told the key the sync sets (if any): the source follows the table's own key only when it sets none. */
    private ChangeCapture capture(String name) {
        io.tidemark.api.ModelSpec keyed = new io.tidemark.api.ModelSpec(model.name(), model.table(), null, sync.primaryKey());
        return source.capture(new CaptureSpec(name, keyed, sourceSchema));
    }

    /** Runs; returns the sync's own table's checkpoint as committed last. */
    Checkpoint.Log execute() {
        List<Optional<Checkpoint.Log>> previous = targets.stream().map(this::committedPosition).toList();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            t.applied = purpose == DiffTransfer.Purpose.RUN ? previous.get(i) : Optional.empty();
            t.partOfNextApplied = t.applied.map(Checkpoint.Log::appliedOfNext).orElse(0);
        }
        java.util.Set<String> captures = new java.util.LinkedHashSet<>();
        targets.forEach(t -> t.applied.ifPresent(a -> captures.add(a.capture())));
        // Tables at positions of different captures (a crash while a new capture loaded them) start afresh together.
        boolean fresh = targets.stream().anyMatch(t -> t.applied.isEmpty()) || captures.size() > 1;
        if (fresh) {
            for (Target t : targets) {
                t.applied = Optional.empty();
                t.partOfNextApplied = 0;
            }
            reshape(evolution.shape(described, true));
            captureName = captureName(stateKey.apply(sync.target()), runId);
            capture = capture(captureName);
            try (ChangeStream stream = capture.open(Optional.empty())) {
                startFresh(stream);
                dropOlderCaptures(previous);
                stream(stream);
            } catch (RuntimeException e) {
                if (targets.stream().allMatch(t -> t.applied.isEmpty())) dropQuietly(capture, "it never committed");
                throw e;
            }
        } else {
            captureName = captures.iterator().next();
            // The log resumes with entries in the shape the destination was built from; a key change shows only in the
            // table's description.
            sourceSchema = evolution.logSchema(described).withPrimaryKey(described.primaryKey());
            reshape(evolution.shape(sourceSchema, false));
            capture = capture(captureName);
            try (ChangeStream stream = resume()) {
                stream(stream);
            }
        }
        return primary.applied.orElseThrow();
    }

    /** The captures the tables were at before this fresh start: nothing names them any more. */
    private void dropOlderCaptures(List<Optional<Checkpoint.Log>> previous) {
        previous.stream().flatMap(Optional::stream).map(Checkpoint.Log::capture).distinct().filter(n -> !n.equals(captureName))
                .forEach(n -> dropQuietly(capture(n), "a new capture replaced it"));
    }

    private void dropQuietly(ChangeCapture old, String why) {
        try {
            old.drop();
        } catch (RuntimeException e) {
            log.warn("sync {}: could not drop a capture at the source ({}); it keeps log until dropped: {}", sync.name(), why, e.getMessage());
        }
    }

    private Optional<Checkpoint.Log> committedPosition(Target target) {
        return destination.committedState(target.stateKey).map(CommittedState::checkpoint).map(CheckpointCodec::decode).map(c -> {
            if (c instanceof Checkpoint.Log l) return l;
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "the checkpoint of " + target.table + " is not a log position "
                    + "(the sync_type was changed to cdc); run `tidemark resync " + sync.name() + "` to start capturing changes");
        });
    }

    private ChangeStream resume() {
        LogPosition from = earliestApplied().position();
        guardLag();
        try {
            return capture.open(Optional.of(from));
        } catch (TidemarkException e) {
            if (e.errorCode() != ErrorCode.CAPTURE_LOST) throw e;
            // The connector says what happened; the way out is an engine operation, named here.
            String message = e.getMessage();
            int fix = message.lastIndexOf("; ");
            throw new TidemarkException(ErrorCode.CAPTURE_LOST, (fix < 0 ? message : message.substring(0, fix)) + "; run `tidemark resync "
                    + sync.name() + "` to start a new capture (it re-reads the table)", e);
        }
    }

    /** Refuses to go on, pausing the sync, when the source keeps more log for it than the sync allows. */
    private void guardLag() {
        capture.status().filter(s -> s.lagBytes() > sync.maxCaptureLag()).ifPresent(s -> {
            throw new TidemarkException(ErrorCode.CAPTURE_LAG_EXCEEDED, "the source keeps " + ByteSize.format(s.lagBytes())
                    + " of change log for this sync (limit max_slot_lag " + ByteSize.format(sync.maxCaptureLag()) + "), so the sync is paused "
                    + "before the source's disk fills; either raise max_slot_lag and `tidemark resume " + sync.name()
                    + "` to catch up, or `tidemark delete-data " + sync.name() + "` to release the log now, then `tidemark resume " + sync.name()
                    + "` (the next run re-reads the table)");
        });
    }

    /** A new capture: load the table as of its consistent point (or, for a reset, nothing), committing that point. */
    private void startFresh(ChangeStream stream) {
        LogPosition start = stream.start();
        Instant snapshotTime = clock.instant();
        Checkpoint.Log at = new Checkpoint.Log(start, snapshotTime, captureName);
        ReadRequest read = new ReadRequest(model, schema, io.tidemark.api.SyncType.CDC, Optional.empty(), sync.batchSize());
        for (Target target : targets) {
            WriteRequest request = target.changelog ? target.request()
                    : new WriteRequest(target.stateKey, target.table, schema, purpose == DiffTransfer.Purpose.RESET_TRACKING ? WriteMode.CHANGES : WriteMode.REPLACE,
                    runId, runStartedAt, List.of());
            try (StreamWriter writer = destination.open(request)) {
                if (purpose != DiffTransfer.Purpose.RESET_TRACKING) {
                    try (StreamReader reader = stream.snapshot(read).orElseThrow(() -> new IllegalStateException("a new capture has a snapshot"))) {
                        long rows = target.changelog ? logSnapshot(reader, writer, target.table, start, snapshotTime) : host.move(reader, writer);
                        if (target == primary) host.read(rows);
                    }
                }
                commit(writer, target.stateKey, at);
            }
            target.applied = Optional.of(at);
        }
        lastCommitted = start;
        lastSourceTime = snapshotTime;
        host.checkpointed(at);
        log.info("sync {}: capture started at {}{}", sync.name(), start, purpose == DiffTransfer.Purpose.RESET_TRACKING ? " (reset: nothing loaded)" : "");
    }

    /** Snapshot rows into the change log, as operation {@value #SNAPSHOT_OP}. */
    private long logSnapshot(StreamReader reader, StreamWriter writer, StreamId table, LogPosition start, Instant at) {
        long rows = 0;
        for (RowBatch batch = reader.next(); batch != null; batch = reader.next()) {
            control.throwIfCancelled();
            List<Object[]> out = new ArrayList<>(batch.size());
            for (Object[] row : batch.rows()) out.add(changelogRow(row, SNAPSHOT_OP, start, at, ++rows, null));
            requireAllApplied(writer.write(new RowBatch(changelogSchema, out)), table);
            host.progress();
        }
        return rows;
    }

    /** A change the destination refused fails the run: the position must not move past a change not kept. */
    private void requireAllApplied(WriteResult result, StreamId table) {
        host.applied(result.written(), result.deleted(), result.rejected().size());
        if (!result.rejected().isEmpty()) {
            throw new TidemarkException(ErrorCode.DESTINATION_REJECTED, "the destination refused a change to " + table
                    + " (key " + result.rejected().getFirst().key() + ": " + result.rejected().getFirst().reason()
                    + "); the log position stays before it; fix the destination table and run again");
        }
    }

    /** Commits what {@code writer} applied with {@code checkpoint} under {@code stateKey}. */
    private void commit(StreamWriter writer, String stateKey, Checkpoint.Log checkpoint) {
        writer.commit(new CommittedState(stateKey, runId, CheckpointCodec.encode(checkpoint), clock.instant()));
        long skipped = writer.skippedRows();
        if (skipped > 0) host.applied(-skipped, 0, 0);
    }

    /** Where reading resumes: the checkpoint of the table that committed the earliest position. */
    private Checkpoint.Log earliestApplied() {
        return targets.stream().map(t -> t.applied.orElseThrow()).min(java.util.Comparator.comparing(Checkpoint.Log::position)).orElseThrow();
    }

    private void stream(ChangeStream stream) {
        if (purpose == DiffTransfer.Purpose.RESET_TRACKING) return;
        Optional<LogPosition> end = control.follows() ? Optional.empty() : Optional.of(stream.currentEnd());
        LogPosition seen = lastCommitted != null ? lastCommitted : earliestApplied().position();
        Instant lastNews = clock.instant();
        Instant lastLagCheck = clock.instant();
        try {
            while (!control.stopRequested()) {
                List<LogEvent> events = stream.poll(sync.batchSize(), POLL_WAIT);
                if (!events.isEmpty()) lastNews = clock.instant();
                for (LogEvent event : events) {
                    switch (event) {
                        case LogEvent.Begin b -> begin(b);
                        case LogEvent.RowChange c -> change(stream, c);
                        case LogEvent.Truncate t -> truncate(stream);
                        case LogEvent.SchemaChange c -> {
                            // Inside the applied start of a transaction the log replays shapes the destination is past:
                            // only the last one before the first change still to apply matters. A newer shape always
                            // replaces a held one: the log's rows come in the newest.
                            heldShape = keyed(sync, c.schema());
                            if (transaction == null || nextChangeApplies()) applyHeldShape(stream);
                        }
                        case LogEvent.Commit c -> {
                            applyHeldShape(stream);
                            end(c);
                            seen = LogPosition.max(seen, c.endPosition());
                            if (dueForCommit()) commit(stream, c.endPosition());
                            // A transaction with nothing for us (or already applied) still moves the slot.
                            else if (!uncommitted()) acknowledge(stream, c.endPosition());
                        }
                        case LogEvent.Progress p -> {
                            seen = LogPosition.max(seen, p.position());
                            if (transaction == null && !uncommitted()) acknowledge(stream, p.position());
                        }
                    }
                }
                if (transaction == null && uncommitted()) commit(stream, lastCommitted);
                if (transaction == null) {
                    if (end.isPresent() && !end.get().isAfter(seen)) break;
                    if (end.isPresent() && Duration.between(lastNews, clock.instant()).compareTo(QUIET_END) > 0) {
                        log.warn("sync {}: the log reached {} of {} (its end when the run started) and sent nothing for {}; ending the run, "
                                + "the next one goes on from there", sync.name(), seen, end.get(), QUIET_END);
                        break;
                    }
                }
                if (control.follows() && Duration.between(lastLagCheck, clock.instant()).compareTo(LAG_CHECK_INTERVAL) > 0) {
                    lastLagCheck = clock.instant();
                    guardLag();
                }
                host.progress();
            }
            // Stopped or done: what is applied up to the last whole transaction is committed; an open one is dropped
            // uncommitted and re-read next time.
            if (transaction == null && uncommitted()) commit(stream, lastCommitted);
        } finally {
            for (Target t : targets) t.discard();
        }
    }

    private void begin(LogEvent.Begin begin) {
        transaction = begin;
        sequence = 0;
        for (Target t : targets) {
            t.skipping = t.applied.isPresent() && begin.commitPosition().compareTo(t.applied.get().position()) < 0;
            // The first transaction after a checkpoint taken in its middle: its first changes are applied already.
            t.appliedHere = t.skipping ? 0 : t.partOfNextApplied;
            if (!t.skipping) t.partOfNextApplied = 0;
        }
    }

    /**
     * The table changed shape. A change the policy pauses or fails on ends the run here, dropping what is not committed,
     * so the next run meets the change again at the same place. To go on, what was applied in the old shape is committed
     * first (with the old shape as the committed baseline); then the new shape is decided, and the writers for it open
     * afterwards and change the destination inside their transactions. A change in the middle of a source transaction
     * commits the part before it with the previous position and the number of its changes applied, which a run resuming
     * there skips: nothing is applied twice.
     */
    private void schemaChanged(ChangeStream stream, StreamSchema now) {
        evolution.refuseStopping(now);
        if (uncommitted()) {
            int appliedOfOpen = transaction == null ? 0 : sequence;
            if (lastCommitted != null) {
                commit(stream, lastCommitted, appliedOfOpen);
            } else {
                // No source transaction ended in this run yet: the position (and source time) is where the run began.
                Checkpoint.Log start = earliestApplied();
                lastSourceTime = start.sourceTime();
                commit(stream, start.position(), appliedOfOpen);
            }
        }
        SchemaShape next = evolution.shape(now, false);
        reshape(next);
        log.info("sync {}: the source table changed shape; writing {} from now on", sync.name(), schema.columnNames());
    }

    /** A shape change met while replaying changes applied before: applied once a change is to apply again. */
    private void applyHeldShape(ChangeStream stream) {
        if (heldShape == null) return;
        StreamSchema held = heldShape;
        heldShape = null;
        schemaChanged(stream, held);
    }

    /** Whether some table applies the current transaction's next change (not replayed from before a checkpoint). */
    private boolean nextChangeApplies() {
        return targets.stream().anyMatch(t -> t.applies(sequence + 1));
    }

    private void change(ChangeStream stream, LogEvent.RowChange logged) {
        requireTransaction();
        if (nextChangeApplies()) applyHeldShape(stream);
        host.read(1);
        switch (logged.kind()) {
            case INSERT -> inserts++;
            case UPDATE -> updates++;
            case DELETE -> deletes++;
        }
        host.planned(inserts, updates, deletes);
        sequence++;
        if (targets.stream().noneMatch(t -> t.applies(sequence))) return; // replayed in a layout the run is past: not reshaped
        LogEvent.RowChange change = shape.isIdentity() ? logged : new LogEvent.RowChange(logged.kind(), shape.row(logged.values()),
                shape.columns(logged.unchanged()), shape.row(logged.before()));
        for (Target t : targets) if (t.applies(sequence)) t.add(change, transaction, sequence);
    }

    private void truncate(ChangeStream stream) {
        requireTransaction();
        if (nextChangeApplies()) applyHeldShape(stream);
        sequence++;
        for (Target t : targets) if (t.applies(sequence)) t.truncate(transaction, sequence);
    }

    private void end(LogEvent.Commit commit) {
        requireTransaction();
        lastSourceTime = transaction.commitTime();
        lastCommitted = commit.endPosition();
        transaction = null;
    }

    private void requireTransaction() {
        if (transaction == null) throw new TidemarkException(ErrorCode.INTERNAL, "the change log delivered a change outside a transaction");
    }

    private boolean uncommitted() { return targets.stream().anyMatch(Target::hasWork); }

    private boolean dueForCommit() {
        return uncommitted() && (targets.stream().mapToLong(t -> t.uncommittedRows).max().orElse(0) >= sync.batchSize()
                || Duration.between(firstUncommitted, clock.instant()).compareTo(MAX_COMMIT_DELAY) >= 0);
    }

    /** Commits every table's applied changes with {@code position}, the change log first, then tells the source. */
    private void commit(ChangeStream stream, LogPosition position) { commit(stream, position, 0); }

    /** @param appliedOfNext changes of the open transaction applied with this commit (see {@link Checkpoint.Log#appliedOfNext}) */
    private void commit(ChangeStream stream, LogPosition position, int appliedOfNext) {
        Checkpoint.Log checkpoint = new Checkpoint.Log(position, lastSourceTime, captureName, appliedOfNext);
        for (Target t : targets) t.commit(checkpoint);
        firstUncommitted = null;
        acknowledge(stream, position);
        host.checkpointed(checkpoint);
    }

    /** Positions only move forward at the source. */
    private void acknowledge(ChangeStream stream, LogPosition position) {
        if (acknowledged != null && !position.isAfter(acknowledged)) return;
        stream.acknowledge(position);
        acknowledged = position;
    }

    private static StreamSchema changelogSchema(StreamSchema schema) {
        List<Column> columns = new ArrayList<>(schema.columns().stream().map(c -> new Column(c.name(), c.type(), true, c.nativeType())).toList());
        columns.add(new Column(OP, DataType.STRING, false, null));
        columns.add(new Column(POSITION, DataType.decimal(20, 0), false, null));
        columns.add(new Column(LSN, DataType.STRING, false, null));
        columns.add(new Column(COMMIT_TIME, DataType.TIMESTAMPTZ, false, null));
        columns.add(new Column(SEQ, DataType.INT64, false, null));
        columns.add(new Column(UNCHANGED, DataType.STRING, true, null));
        return new StreamSchema(schema.id(), columns, List.of(), schema.nativeDialect());
    }

    private Object[] changelogRow(Object[] values, String op, LogPosition position, Instant commitTime, long seq, String unchanged) {
        int n = schema.columns().size();
        Object[] row = Arrays.copyOf(values, n + 6);
        row[n] = op;
        row[n + 1] = new java.math.BigDecimal(Long.toUnsignedString(position.value()));
        row[n + 2] = position.text();
        row[n + 3] = commitTime.atOffset(java.time.ZoneOffset.UTC);
        row[n + 4] = seq;
        row[n + 5] = unchanged;
        return row;
    }

    /** Keys as map keys: byte arrays compare by content. */
    private static List<Object> keyOf(Object[] values, int[] keyIndexes) {
        Object[] key = new Object[keyIndexes.length];
        for (int i = 0; i < keyIndexes.length; i++) {
            Object v = values[keyIndexes[i]];
            key[i] = v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
        }
        return Arrays.asList(key);
    }

    /** A change waiting to be applied to the mirror: the row's latest state, with which columns it knows. */
    private record Pending(ChangeOp op, Object[] values, BitSet known) {}

    /** One destination table and what it has applied but not committed. */
    private final class Target {
        final StreamId table;
        final boolean changelog;
        final String stateKey;
        int[] keyIndexes;
        /** The key columns, as the column set of a delete. */
        BitSet keyColumns;
        Optional<Checkpoint.Log> applied = Optional.empty();
        boolean skipping;
        /** Changes of the first transaction after {@link #applied} that it already applied (from a checkpoint taken mid-transaction). */
        int partOfNextApplied;
        /** Of the current transaction, the changes up to this sequence number were applied before. */
        int appliedHere;
        long uncommittedRows;
        private StreamWriter writer;
        /** Mirror: the latest change per key since the last apply, in first-seen order. */
        private final Map<List<Object>, Pending> pending = new LinkedHashMap<>();
        /** Change log: rows since the last write. */
        private final List<Object[]> logRows = new ArrayList<>();

        Target(StreamId table, boolean changelog) {
            this.table = table;
            this.changelog = changelog;
            this.stateKey = CdcTransfer.this.stateKey.apply(table);
            keyed();
        }

        /** Finds the key in the current {@link #schema}. */
        void keyed() {
            keyIndexes = schema.primaryKey().stream().mapToInt(schema::indexOf).toArray();
            keyColumns = new BitSet();
            for (int k : keyIndexes) keyColumns.set(k);
        }

        WriteRequest request() {
            return changelog
                    ? new WriteRequest(stateKey, table, changelogSchema, WriteMode.APPEND, runId, runStartedAt, List.of(), true)
                    : new WriteRequest(stateKey, table, schema, WriteMode.CHANGES, runId, runStartedAt, List.of());
        }

        /** Whether the current transaction's change {@code seq} is still to apply here. */
        boolean applies(int seq) { return !skipping && seq > appliedHere; }

        boolean hasWork() { return writer != null || !pending.isEmpty() || !logRows.isEmpty(); }

        void add(LogEvent.RowChange change, LogEvent.Begin tx, int seq) {
            touched();
            uncommittedRows++;
            if (changelog) {
                logRows.add(changelogRow(change.values(), change.kind().name().toLowerCase(java.util.Locale.ROOT), tx.commitPosition(),
                        tx.commitTime(), seq, unchangedNames(change.unchanged())));
                if (logRows.size() >= sync.batchSize()) flush();
                return;
            }
            Object[] values = change.values();
            BitSet unchanged = change.unchanged();
            if (change.before() != null && !keyOf(change.before(), keyIndexes).equals(keyOf(change.values(), keyIndexes))) {
                List<Object> oldKey = requireKey(change.before(), "an update that changed the key");
                if (!unchanged.isEmpty()) {
                    // The row moved to a new key: its unsent columns are created there, so they must come from somewhere.
                    values = movedValues(change, pending.get(oldKey));
                    unchanged = new BitSet();
                }
                pending.put(oldKey, new Pending(ChangeOp.DELETE, change.before(), keyColumns));
            }
            List<Object> key = requireKey(change.values(), change.kind() == LogEvent.RowChange.Kind.DELETE ? "a delete" : "a change");
            if (change.kind() == LogEvent.RowChange.Kind.DELETE) {
                pending.put(key, new Pending(ChangeOp.DELETE, change.values(), keyColumns));
            } else {
                BitSet known = new BitSet();
                known.set(0, schema.columns().size());
                known.andNot(unchanged);
                Pending earlier = pending.get(key);
                if (earlier != null && earlier.op() == ChangeOp.UPSERT && !unchanged.isEmpty()) {
                    // Columns this update did not send keep what an earlier change in the same batch set.
                    Object[] sent = values;
                    values = earlier.values().clone();
                    for (int i = known.nextSetBit(0); i >= 0; i = known.nextSetBit(i + 1)) values[i] = sent[i];
                    known.or(earlier.known());
                }
                pending.remove(key); // keep apply order by last change
                pending.put(key, new Pending(ChangeOp.UPSERT, values, known));
            }
            if (pending.size() >= sync.batchSize()) flush();
        }

        /** The record key of a logged row; a key column the log did not carry would silently miss the record. */
        private List<Object> requireKey(Object[] values, String what) {
            for (int k : keyIndexes) {
                if (values[k] == null) {
                    throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, what + " of " + schema.id() + " came without key column "
                            + schema.columns().get(k).name() + ": the table's replica identity does not cover the sync's primary key "
                            + String.join(", ", schema.primaryKey()) + "; run ALTER TABLE " + schema.id() + " REPLICA IDENTITY FULL, then `tidemark resync "
                            + sync.name() + "`");
                }
            }
            return keyOf(values, keyIndexes);
        }

        /**
         * A row whose key changed, with columns the log did not send because they did not change: they come from the old
         * row as the log carried it (REPLICA IDENTITY FULL logs it whole) or from an earlier change of the old key in this
         * batch. Otherwise the run stops rather than create the moved row with those columns empty.
         */
        private Object[] movedValues(LogEvent.RowChange change, Pending earlier) {
            Object[] values = change.values().clone();
            for (int i = change.unchanged().nextSetBit(0); i >= 0; i = change.unchanged().nextSetBit(i + 1)) {
                if (change.before()[i] != null) {
                    values[i] = change.before()[i];
                } else if (earlier != null && earlier.op() == ChangeOp.UPSERT && earlier.known().get(i)) {
                    values[i] = earlier.values()[i];
                } else {
                    throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "a row of " + schema.id() + " moved to a new key without "
                            + "its unchanged value of " + schema.columns().get(i).name() + " (Postgres does not log unchanged large values); "
                            + "run ALTER TABLE " + schema.id() + " REPLICA IDENTITY FULL so the old row is logged whole, then `tidemark resync "
                            + sync.name() + "`");
                }
            }
            return values;
        }

        void truncate(LogEvent.Begin tx, int seq) {
            touched();
            uncommittedRows++;
            if (changelog) {
                logRows.add(changelogRow(new Object[schema.columns().size()], "truncate", tx.commitPosition(), tx.commitTime(), seq, null));
                return;
            }
            flush();
            writer().truncate();
        }

        private void touched() {
            if (firstUncommitted == null) firstUncommitted = clock.instant();
        }

        private String unchangedNames(BitSet unchanged) {
            if (unchanged.isEmpty()) return null;
            StringJoiner names = new StringJoiner(",");
            unchanged.stream().forEach(i -> names.add(schema.columns().get(i).name()));
            return names.toString();
        }

        private StreamWriter writer() {
            if (writer == null) writer = destination.open(request());
            return writer;
        }

        /** Hands what is pending to the writer (uncommitted). */
        void flush() {
            if (changelog) {
                if (logRows.isEmpty()) return;
                WriteResult result = writer().write(new RowBatch(changelogSchema, List.copyOf(logRows)));
                logRows.clear();
                requireAllApplied(result, table);
                return;
            }
            if (pending.isEmpty()) return;
            Map<BitSet, List<Object[]>> upserts = new LinkedHashMap<>();
            List<Object[]> deleted = new ArrayList<>();
            for (Pending p : pending.values()) {
                if (p.op() == ChangeOp.DELETE) deleted.add(project(p.values(), keyColumns));
                else upserts.computeIfAbsent(p.known(), k -> new ArrayList<>()).add(project(p.values(), p.known()));
            }
            pending.clear();
            if (!deleted.isEmpty()) apply(ChangeOp.DELETE, keyColumns, deleted);
            upserts.forEach((known, rows) -> apply(ChangeOp.UPSERT, known, rows));
        }

        private void apply(ChangeOp op, BitSet columns, List<Object[]> rows) {
            List<Column> selected = columns.stream().mapToObj(i -> schema.columns().get(i)).toList();
            StreamSchema batchSchema = new StreamSchema(schema.id(), selected, schema.primaryKey(), schema.nativeDialect());
            requireAllApplied(writer().apply(new ChangeBatch(op, new RowBatch(batchSchema, rows))), table);
        }

        private Object[] project(Object[] values, BitSet columns) {
            Object[] out = new Object[columns.cardinality()];
            int j = 0;
            for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) out[j++] = values[i];
            return out;
        }

        void commit(Checkpoint.Log checkpoint) {
            if (!hasWork()) return;
            flush();
            CdcTransfer.this.commit(writer(), stateKey, checkpoint);
            writer.close();
            writer = null;
            uncommittedRows = 0;
            applied = Optional.of(checkpoint);
        }

        /** Drops what is applied but not committed (a run that stops inside a transaction or fails). */
        void discard() {
            pending.clear();
            logRows.clear();
            if (writer != null) {
                try {
                    writer.close();
                } catch (RuntimeException e) {
                    log.warn("sync {}: closing the writer of {} failed: {}", sync.name(), table, e.toString());
                }
                writer = null;
            }
        }
    }

    /** The state of the capture now, for status and run records. */
    Optional<CaptureStatus> status() { return capture == null ? Optional.empty() : capture.status(); }
}
