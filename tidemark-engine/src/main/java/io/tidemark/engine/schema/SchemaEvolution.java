package io.tidemark.engine.schema;

import io.tidemark.api.Column;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.config.SchemaAction;
import io.tidemark.engine.config.SchemaChangeKind;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.mapping.FieldMapping;
import io.tidemark.engine.schema.SchemaBaseline.BaselineColumn;
import io.tidemark.store.SchemaChangeRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One run's view of a sync's source schema: compares what the source has now with the {@link SchemaBaseline} its
 * destination was built from, takes the action the sync's {@code schema_policy} names for each difference, and
 * says which shape to write. Before each run for the batch sync types; for {@code cdc} also whenever the change log
 * says the table changed shape. Not thread-safe: one per run.
 */
public final class SchemaEvolution {
    /** A change the run met and what it did about it. */
    public record Decision(SchemaChange change, SchemaAction action) {
        public Decision {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(action, "action");
        }

        /** In words, with the policy that chose it: {@code column note (string) added: propagate (schema_policy column_added)}. */
        public String describe() {
            return change.describe() + ": " + action.configName() + " (schema_policy " + change.kind().configName() + ")";
        }

        /** As a run keeps it. */
        public SchemaChangeRecord record() {
            return new SchemaChangeRecord(change.kind().configName(), change.column(), change.before(), change.after(),
                    action.configName(), describe());
        }
    }

    private final SyncConfig sync;
    private final Optional<SchemaBaseline> stored;
    /** The shape decided so far: what the run writes now. */
    private SchemaBaseline baseline;
    /** The shape the destination has committed ({@link #committed}): what a later run may build on. */
    private SchemaBaseline committedBaseline;
    private final List<Decision> decisions = new ArrayList<>();
    /** How many of {@link #decisions} the destination has committed. */
    private int committedDecisions;
    private final Set<SchemaChange> seen = new HashSet<>();
    private Decision stop;

    private SchemaEvolution(SyncConfig sync, Optional<SchemaBaseline> stored) {
        this.sync = sync;
        this.stored = stored;
        this.baseline = stored.orElse(null);
        this.committedBaseline = baseline;
    }

    /** @param stored the baseline the last run left, if any */
    public static SchemaEvolution start(SyncConfig sync, Optional<SchemaBaseline> stored) {
        return new SchemaEvolution(sync, stored);
    }

    /**
     * The shape to write the source's rows in, now that it has {@code current}. A rebuild (first run, resync, a new
     * capture) takes the source as it is; otherwise each difference from the baseline gets the policy's action.
     *
     * @throws TidemarkException {@link ErrorCode#SCHEMA_CHANGED} when the policy pauses or fails on a change (see
     *                           {@link #stop()}); nothing of the new shape is applied then
     */
    public SchemaShape shape(StreamSchema current, boolean rebuild) {
        if (rebuild || baseline == null) {
            baseline = SchemaBaseline.of(current, key(current));
            return SchemaShape.identity(current);
        }
        List<Decision> met = pending(current);
        refuseStopping(met);
        met.forEach(this::met);
        baseline = applied(baseline, current, met, key(current));
        return shapeOf(current);
    }

    /**
     * Stops when the policy pauses or fails on a difference between the baseline and {@code current}, applying nothing.
     *
     * @throws TidemarkException {@link ErrorCode#SCHEMA_CHANGED} naming the changes and the choices (see {@link #stop()})
     */
    public void refuseStopping(StreamSchema current) { refuseStopping(pending(current)); }

    private void refuseStopping(List<Decision> met) {
        List<Decision> stopping = met.stream().filter(d -> d.action().stops()).toList();
        if (stopping.isEmpty()) return;
        met.forEach(this::met);
        stop = stopping.stream().filter(d -> d.action() == SchemaAction.FAIL).findFirst().orElse(stopping.getFirst());
        throw new TidemarkException(ErrorCode.SCHEMA_CHANGED, stopMessage(stopping));
    }

    private void met(Decision d) {
        if (!acknowledged(d) && seen.add(d.change())) decisions.add(d);
    }

    /** An added column ignored before (also one back after a drop), and ignored again: no news, so not recorded again on every run. */
    private boolean acknowledged(Decision d) {
        return d.change().kind() == SchemaChangeKind.COLUMN_ADDED && d.action() == SchemaAction.IGNORE
                && baseline.column(d.change().column()).filter(BaselineColumn::ignored)
                .filter(c -> d.change().after().equals(Optional.of(c.type().toString()))).isPresent();
    }

    /**
     * What the policy would do with each difference between the baseline and {@code current}, applying nothing
     * (columns the sync keeps ignoring included).
     */
    public List<Decision> pending(StreamSchema current) {
        if (baseline == null) return List.of();
        Set<String> identity = diffIdentity();
        return SchemaDiff.between(baseline, current, key(current), sync.primaryKey().isEmpty(), relevant()).stream()
                .map(c -> identity.contains(c.column()) && c.changesIdentity() ? c.asIdentityChange() : c)
                .map(c -> new Decision(c, sync.schemaPolicy().action(c.kind()))).toList();
    }

    /**
     * The columns a diff sync finds destination records by (key and record matching): its change-tracking snapshot is
     * keyed by their values and types, so any change to one of them is a change of identity, not of data.
     */
    private Set<String> diffIdentity() {
        if (sync.syncType() != SyncType.DIFF) return Set.of();
        Set<String> identity = new HashSet<>(sync.primaryKey());
        identity.addAll(sync.recordMatching().keySet());
        return identity;
    }

    /**
     * The schema the source's change log has for entries written before any change this sync has not applied: the
     * baseline's columns still at the source, or {@code described} when there is no baseline.
     */
    public StreamSchema logSchema(StreamSchema described) {
        return baseline == null ? described : baseline.liveSchema(described.id(), described.nativeDialect());
    }

    /**
     * The destination committed everything written in the shape decided so far. Until then a decided change is not
     * kept: a run that fails (or a cdc run that stops) before committing it leaves the baseline where the destination is.
     */
    public void committed() {
        committedBaseline = baseline;
        committedDecisions = decisions.size();
    }

    /** The changes to keep on the run's record: those the destination committed, then those the run stopped at. */
    public List<Decision> recorded() {
        List<Decision> out = new ArrayList<>(decisions.subList(0, committedDecisions));
        decisions.subList(committedDecisions, decisions.size()).stream().filter(d -> d.action().stops()).forEach(out::add);
        return out;
    }

    /** The decision that stopped the run, if one did. */
    public Optional<Decision> stop() { return Optional.ofNullable(stop); }

    /** Whether the run stopped at a change the policy pauses on. */
    public boolean pauses() { return stop != null && stop.action() == SchemaAction.PAUSE; }

    /** The baseline the destination committed, when it differs from the stored one. */
    public Optional<SchemaBaseline> changedBaseline() {
        return committedBaseline == null || stored.equals(Optional.of(committedBaseline)) ? Optional.empty() : Optional.of(committedBaseline);
    }

    /** The key rows are matched by: the sync's, else (for cdc, which needs one) the source's. */
    private List<String> key(StreamSchema current) {
        if (!sync.primaryKey().isEmpty()) return sync.primaryKey();
        return sync.syncType() == SyncType.CDC ? current.primaryKey() : List.of();
    }

    /**
     * A mapped diff sync sends only the columns it maps (templates' included), its patterns take and send, it matches
     * on or keys by. A pattern makes a column added at the source one the sync uses, so the policy decides about it.
     */
    private Predicate<String> relevant() {
        FieldMapping mapping = sync.fieldMapping();
        if (mapping.isEmpty()) return column -> true;
        Set<String> used = new HashSet<>(sync.recordMatching().keySet());
        used.addAll(sync.primaryKey());
        return column -> used.contains(column) || mapping.reads(column);
    }

    /** {@code from} with the decisions applied, keyed by {@code key} (a key set on the sync may have been changed with a resync). */
    private static SchemaBaseline applied(SchemaBaseline from, StreamSchema current, List<Decision> decisions, List<String> key) {
        List<BaselineColumn> columns = new ArrayList<>(from.columns());
        for (Decision d : decisions) {
            String name = d.change().column();
            switch (d.change().kind()) {
                case COLUMN_ADDED, TYPE_WIDENED -> {
                    BaselineColumn now = BaselineColumn.of(current.column(name).orElseThrow());
                    int at = indexOf(columns, name);
                    if (d.action() == SchemaAction.IGNORE) {
                        // Back after a drop: the destination still has it, and a full refresh must keep writing it (null).
                        now = at >= 0 && columns.get(at).dropped() ? columns.get(at).asIgnored() : now.asIgnored();
                    }
                    if (at < 0) columns.add(now);
                    else columns.set(at, now);
                }
                case COLUMN_DROPPED -> {
                    int at = indexOf(columns, name);
                    columns.set(at, columns.get(at).asDropped());
                }
                case TYPE_CHANGED, PRIMARY_KEY_CHANGED -> throw new IllegalStateException(d + " is only ever paused or failed on");
            }
        }
        // An ignored column that left the source again is forgotten (nothing of it is anywhere), or, when the destination
        // kept it from an earlier drop, is a dropped column again.
        columns.removeIf(c -> c.ignored() && !c.dropped() && current.indexOf(c.name()) < 0);
        columns.replaceAll(c -> c.ignored() && c.dropped() && current.indexOf(c.name()) < 0 ? c.asDropped() : c);
        return new SchemaBaseline(columns, key);
    }

    private static int indexOf(List<BaselineColumn> columns, String name) {
        for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(name)) return i;
        return -1;
    }

    /**
     * The baseline's columns in its order: those at the source as read now, those dropped there as null — unless the
     * policy ignores drops and the sync keeps rows between runs, where leaving the column out keeps its values. Added
     * columns the policy ignores are left out.
     */
    private SchemaShape shapeOf(StreamSchema current) {
        boolean nullDropped = sync.schemaPolicy().action(SchemaChangeKind.COLUMN_DROPPED) == SchemaAction.PROPAGATE
                || sync.syncType() == SyncType.FULL_REFRESH;
        List<Column> columns = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        for (BaselineColumn c : baseline.columns()) {
            if (c.ignored() && !c.dropped()) continue;
            if (!c.dropped()) {
                // Gone without being marked dropped: a column this (mapped) sync does not send, so it needs no place.
                if (current.indexOf(c.name()) < 0) continue;
                columns.add(current.column(c.name()).orElseThrow());
                index.add(current.indexOf(c.name()));
            } else if (nullDropped) {
                columns.add(c.column());
                index.add(-1);
            }
        }
        StreamSchema shaped = new StreamSchema(current.id(), columns, current.primaryKey(), current.nativeDialect());
        return new SchemaShape(current, shaped, index.stream().mapToInt(Integer::intValue).toArray());
    }

    private String stopMessage(List<Decision> stopping) {
        boolean paused = stopping.stream().anyMatch(d -> d.action() == SchemaAction.PAUSE)
                && stopping.stream().noneMatch(d -> d.action() == SchemaAction.FAIL);
        String what = stopping.stream().map(Decision::describe).collect(Collectors.joining("; "));
        return "the source table changed shape (" + what + "); nothing was written. "
                + (paused ? "The sync is paused. Choices: " + choices(stopping) + ", then `tidemark resume " + sync.name() + "`"
                : "Choices: " + choices(stopping));
    }

    /** The ways on from changes a run stops at, in words (a plan shows them before any run does). */
    public String choices(List<Decision> stopping) {
        String name = sync.name();
        boolean onlyRebuild = stopping.stream().anyMatch(d -> !d.change().kind().allowed().contains(SchemaAction.PROPAGATE));
        // A diff resync sends every row again but keeps the destination table: only deleting the data rebuilds it.
        String rebuild = sync.syncType() == SyncType.DIFF
                ? "`tidemark delete-data " + name + "` makes the next run rebuild the destination in the new shape (sending every row)"
                : "`tidemark resync " + name + "` rebuilds the destination in the new shape";
        // A key set on the model or sync changes only when its columns leave the source: it must be set anew first.
        boolean keyLeft = !sync.primaryKey().isEmpty() && stopping.stream()
                .anyMatch(d -> d.change().kind() == SchemaChangeKind.PRIMARY_KEY_CHANGED && !d.change().findsRecords());
        return (keyLeft ? "set primary_key to the table's new key, then " : "") + rebuild
                + (onlyRebuild ? "" : ", or set schema_policy to propagate (or ignore) for it")
                + ", or undo the change at the source";
    }
}
