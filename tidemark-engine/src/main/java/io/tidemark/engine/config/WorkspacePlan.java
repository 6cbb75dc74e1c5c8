package io.tidemark.engine.config;

import io.tidemark.api.ConfigField;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ModelSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What applying a proposed workspace to the current one would change: definitions created, changed (with each
 * setting that differs) and deleted. Compares validated configurations, so key order, formatting and defaults
 * written out or left implicit make no difference. Secrets are compared but never shown.
 *
 * @param entries connections first, then models, syncs, sequences and notifications (the order they depend on each
 *                other); within a kind, created and changed definitions in the proposed file's order, then deleted
 *                ones in the current file's order
 */
public record WorkspacePlan(List<Entry> entries) {
    public enum Kind { CONNECTION, MODEL, SYNC, SEQUENCE, NOTIFICATIONS }

    public enum Action { CREATE, CHANGE, DELETE }

    /**
     * One definition's change.
     *
     * @param name    the definition's name; {@code notifications} for the workspace's notifications
     * @param changes the settings that differ, for {@link Action#CHANGE}; for a deleted sync the one entry that says what
     *                becomes of its data; otherwise empty
     */
    public record Entry(Kind kind, String name, Action action, List<SettingChange> changes) {
        public Entry {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(action, "action");
            changes = List.copyOf(changes);
        }

        /** Applying it leaves the destination's data or a checkpoint unmatched (see {@link SettingsChange}). */
        public boolean destructive() { return changes.stream().anyMatch(SettingChange::destructive); }
    }

    private static final String NOTIFICATIONS = "notifications";

    public WorkspacePlan {
        entries = List.copyOf(entries);
    }

    public boolean isEmpty() { return entries.isEmpty(); }

    /** Some entry is destructive: applying the plan needs a resync of the syncs concerned. */
    public boolean destructive() { return entries.stream().anyMatch(Entry::destructive); }

    /** The plan that turns {@code current} into {@code proposed}. */
    public static WorkspacePlan between(WorkspaceConfig current, WorkspaceConfig proposed) {
        List<Entry> entries = new ArrayList<>();
        compare(entries, Kind.CONNECTION, current.connections(), proposed.connections(), WorkspacePlan::connectionChanges);
        compare(entries, Kind.MODEL, current.models(), proposed.models(), WorkspacePlan::modelChanges);
        compare(entries, Kind.SYNC, current.syncs(), proposed.syncs(), SettingsChange::between);
        compare(entries, Kind.SEQUENCE, current.sequences(), proposed.sequences(), WorkspacePlan::sequenceChanges);
        compare(entries, Kind.NOTIFICATIONS, current.notifications().map(n -> Map.of(NOTIFICATIONS, n)).orElse(Map.of()),
                proposed.notifications().map(n -> Map.of(NOTIFICATIONS, n)).orElse(Map.of()), WorkspacePlan::notificationChanges);
        return new WorkspacePlan(entries);
    }

    private static <T> void compare(List<Entry> entries, Kind kind, Map<String, T> current, Map<String, T> proposed,
                                    BiFunction<T, T, List<SettingChange>> changes) {
        proposed.forEach((name, after) -> {
            T before = current.get(name);
            if (before == null) {
                entries.add(new Entry(kind, name, Action.CREATE, List.of()));
            } else {
                List<SettingChange> differences = changes.apply(before, after);
                if (!differences.isEmpty()) entries.add(new Entry(kind, name, Action.CHANGE, differences));
            }
        });
        current.keySet().stream().filter(name -> !proposed.containsKey(name))
                .forEach(name -> entries.add(new Entry(kind, name, Action.DELETE, kind == Kind.SYNC ? List.of(new SettingChange("sync",
                        name, null, true, "its destination data stays as it is, but no sync keeps it up to date any more and the "
                        + "sync's run history and checkpoint are detached from the workspace")) : List.of())));
    }

    private static List<SettingChange> connectionChanges(ConnectionConfig before, ConnectionConfig after) {
        SettingsChange.Collector c = new SettingsChange.Collector();
        c.add("type", before.type(), after.type(), false, () -> "syncs using this connection talk to a " + after.type()
                + " system from their next run; a sync whose destination holds none of its committed state there starts over");
        Set<String> fields = new LinkedHashSet<>();
        after.config().spec().fields().forEach(f -> fields.add(f.name()));
        before.config().spec().fields().forEach(f -> fields.add(f.name()));
        for (String field : fields) {
            String was = before.config().get(field).orElse(null);
            String now = after.config().get(field).orElse(null);
            if (secret(before.config(), field) || secret(after.config(), field)) {
                c.addSecret(field, was, now, () -> "takes effect on the next run of each sync using this connection");
            } else {
                c.add(field, was, now, false, () -> "takes effect on the next run of each sync using this connection; pointed at "
                        + "another database, a sync into it starts over there");
            }
        }
        c.add("sync_logs", before.syncLogs(), after.syncLogs(), false, () -> "from the next run, runs of syncs into this connection "
                + (after.syncLogs() ? "are" : "are no longer") + " written to tidemark_sync_runs and tidemark_sync_changes");
        return c.changes();
    }

    private static boolean secret(ConnectorConfig config, String field) {
        return config.spec().field(field).map(ConfigField::secret).orElse(false);
    }

    private static List<SettingChange> modelChanges(ModelConfig before, ModelConfig after) {
        ModelSpec was = before.spec();
        ModelSpec now = after.spec();
        String reads = "syncs of this model read it from their next run: diff syncs send the difference, cursor syncs go on "
                + "from their mark";
        SettingsChange.Collector c = new SettingsChange.Collector();
        c.add("connection", before.connection(), after.connection(), false, () -> reads);
        c.add("table", Optional.ofNullable(was.table()), Optional.ofNullable(now.table()), false, () -> reads);
        c.add("query", Optional.ofNullable(was.query()), Optional.ofNullable(now.query()), false, () -> reads);
        c.add("primary_key", was.primaryKey(), now.primaryKey(), false,
                () -> "syncs that take their key from this model change key too; see their entries");
        return c.changes();
    }

    private static List<SettingChange> sequenceChanges(SequenceConfig before, SequenceConfig after) {
        SettingsChange.Collector c = new SettingsChange.Collector();
        c.add("syncs", before.syncs(), after.syncs(), false, () -> "takes effect on the sequence's next run");
        c.add("schedule", before.schedule(), after.schedule(), false, () -> "takes effect at once: the sequence runs "
                + after.schedule().describe());
        return c.changes();
    }

    private static List<SettingChange> notificationChanges(NotificationConfig before, NotificationConfig after) {
        SettingsChange.Collector c = new SettingsChange.Collector();
        c.addShown("webhook_url", before.webhookUrl(), after.webhookUrl(), before.redactedUrl(), after.redactedUrl(),
                () -> "notifications go to the new URL from now on (only its scheme and host are shown: the rest may be a token)");
        c.add("on_recovery", before.onRecovery(), after.onRecovery(), false, () -> after.onRecovery()
                ? "the first success after a failure is notified too" : "only failures are notified");
        return c.changes();
    }
}
