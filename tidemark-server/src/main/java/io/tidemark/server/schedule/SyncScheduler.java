package io.tidemark.server.schedule;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.tidemark.engine.config.Schedule;
import io.tidemark.engine.config.SequenceConfig;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.server.run.RunService;
import io.tidemark.server.run.SequenceRunner;
import io.tidemark.server.workspace.WorkspaceService;
import io.tidemark.store.RunRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Time-driven work through db-scheduler, whose table lives in the state store: every node polls it, and a due
 * execution is picked by exactly one node (an optimistic lock on the row). A picked execution is kept alive by its
 * node's heartbeats; when a node dies (killed, crashed) its executions stop beating and, after
 * {@link ClusterTimings#deadAfter()}, another node revives and runs them again — from the sync's last checkpoint.
 * <p>
 * One execution per scheduled sync or sequence, named after it, holding the schedule it was planned with: after
 * each run it is re-planned for the schedule's next time <em>after now</em>, so times missed while every node was
 * down run once, not once per missed slot. {@code after:} syncs get a one-time execution per upstream run.
 */
public final class SyncScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);
    static final String SYNC_TASK = "sync-schedule";
    static final String SEQUENCE_TASK = "sequence-schedule";
    static final String AFTER_TASK = "sync-after";
    static final String SEQUENCE_NOW_TASK = "sequence-now";

    private final WorkspaceService workspaces;
    private final RunService runs;
    private final SequenceRunner sequences;
    private final Clock clock;
    private final CustomTask<String> syncTask;
    private final CustomTask<String> sequenceTask;
    private final OneTimeTask<String> afterTask;
    private final OneTimeTask<String> sequenceNowTask;
    private final Scheduler scheduler;
    /** How soon a time whose sync is still running elsewhere is tried again. */
    private final Duration retryBusy;
    /** Runs are asked to stop before the scheduler stops: this is only how long their commits may take. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    public SyncScheduler(DataSource dataSource, WorkspaceService workspaces, RunService runs, SequenceRunner sequences,
                         Clock clock, String nodeName, int threads, ClusterTimings timings) {
        this.workspaces = workspaces;
        this.runs = runs;
        this.sequences = sequences;
        this.clock = clock;
        this.retryBusy = timings.polling().multipliedBy(2);
        this.syncTask = Tasks.custom(SYNC_TASK, String.class).onDeadExecutionRevive()
                .onFailure((complete, operations) -> afterFailure(complete, operations, this::syncSchedule)).execute(this::runScheduledSync);
        this.sequenceTask = Tasks.custom(SEQUENCE_TASK, String.class).onDeadExecutionRevive()
                .onFailure((complete, operations) -> afterFailure(complete, operations, this::sequenceSchedule)).execute(this::runScheduledSequence);
        this.afterTask = Tasks.oneTime(AFTER_TASK, String.class).onDeadExecutionRevive()
                .onFailure((complete, operations) -> afterFailure(complete, operations, name -> Optional.empty()))
                .execute((instance, context) -> runAfter(instance));
        this.sequenceNowTask = Tasks.oneTime(SEQUENCE_NOW_TASK, String.class).onDeadExecutionRevive()
                .onFailure((complete, operations) -> afterFailure(complete, operations, name -> Optional.empty()))
                .execute((instance, context) -> sequences.run(instance.getData(), "api"));
        this.scheduler = Scheduler.create(dataSource, List.of(syncTask, sequenceTask, afterTask, sequenceNowTask))
                .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed(nodeName))
                .threads(threads)
                .pollingInterval(timings.polling())
                .heartbeatInterval(timings.heartbeat())
                .missedHeartbeatsLimit(timings.missedHeartbeats())
                .enableImmediateExecution()
                .shutdownMaxWait(SHUTDOWN_WAIT)
                .build();
        runs.onFinished(this::scheduleDependents);
        workspaces.onChange(current -> reconcile(current.config()));
    }

    public void start() {
        reconcile(workspaces.current().config());
        scheduler.start();
    }

    /** Starts a sequence now on whichever node picks it up first. */
    public void startSequence(String sequence) {
        scheduler.schedule(sequenceNowTask.instance(sequence + "#" + UUID.randomUUID(), sequence), clock.instant());
    }

    /** When the sync's (or sequence's) next scheduled run is planned, if it has one. */
    public Optional<Instant> nextRun(String taskName, String name) {
        return scheduler.getScheduledExecution(TaskInstanceId.of(taskName, name)).map(ScheduledExecution::getExecutionTime);
    }

    public Optional<Instant> nextSyncRun(String sync) { return nextRun(SYNC_TASK, sync); }

    public Optional<Instant> nextSequenceRun(String sequence) { return nextRun(SEQUENCE_TASK, sequence); }

    /** Executions due now and not yet picked by any node: the cluster's queue. */
    public long queueDepth() {
        Instant now = clock.instant();
        return scheduler.getScheduledExecutions().stream().filter(e -> !e.isPicked() && !e.getExecutionTime().isAfter(now)).count();
    }

    /**
     * Makes the planned executions match the configuration: a new or changed schedule is (re-)planned for its next
     * time, a removed one is cancelled. Every node does this on each new version; the outcome is the same.
     */
    void reconcile(WorkspaceConfig config) {
        Map<String, Schedule> syncSchedules = new HashMap<>();
        config.syncs().values().forEach(s -> syncSchedules.put(s.name(), s.schedule()));
        Map<String, Schedule> sequenceSchedules = new HashMap<>();
        config.sequences().values().forEach(s -> sequenceSchedules.put(s.name(), s.schedule()));
        reconcile(syncTask, syncSchedules);
        reconcile(sequenceTask, sequenceSchedules);
    }

    private void reconcile(CustomTask<String> task, Map<String, Schedule> schedules) {
        Map<String, ScheduledExecution<String>> planned = new HashMap<>();
        scheduler.fetchScheduledExecutionsForTask(task.getName(), String.class, e -> planned.put(e.getTaskInstance().getId(), e));
        for (var entry : schedules.entrySet()) {
            String name = entry.getKey();
            Schedule schedule = entry.getValue();
            Optional<Instant> next = schedule.nextAfter(clock.instant(), spread(name));
            ScheduledExecution<String> existing = planned.remove(name);
            try {
                if (next.isEmpty()) {
                    if (existing != null && !existing.isPicked()) scheduler.cancel(existing.getTaskInstance());
                } else if (existing == null) {
                    scheduler.scheduleIfNotExists(task.instance(name, schedule.describe()), next.get());
                } else if (!schedule.describe().equals(existing.getData()) && !existing.isPicked()) {
                    scheduler.reschedule(existing.getTaskInstance(), next.get(), schedule.describe());
                }
            } catch (RuntimeException e) {
                // Another node reconciling the same version got there first; its outcome is the same.
                log.debug("{} {}: schedule not updated here: {}", task.getName(), name, e.toString());
            }
        }
        for (ScheduledExecution<String> orphan : planned.values()) {
            if (orphan.isPicked()) continue; // its completion sees the schedule gone and stops
            try {
                scheduler.cancel(orphan.getTaskInstance());
            } catch (RuntimeException e) {
                log.debug("{} {}: not cancelled here: {}", task.getName(), orphan.getTaskInstance().getId(), e.toString());
            }
        }
    }

    private CompletionHandler<String> runScheduledSync(TaskInstance<String> instance, ExecutionContext context) {
        String sync = instance.getId();
        workspaces.refresh();
        Optional<SyncConfig> config = Optional.ofNullable(workspaces.current().config().syncs().get(sync));
        Instant due = context.getExecution().executionTime;
        if (config.isPresent() && !workspaces.current().engine().isPaused(sync)) {
            RunRecord run = runs.runAndWait(sync, RunService.Kind.RUN, "schedule " + due);
            if (!run.finished()) {
                // Another run of the sync holds it (a revived execution whose killed owner is not yet known dead, or
                // a run started by hand): this time is still owed; try again shortly rather than skip it.
                throw new SyncBusy(sync, run);
            }
            log.info("sync {}: scheduled run for {} ended {} (run {})", sync, due, run.status().configName(), run.id());
        } else if (config.isPresent()) {
            log.info("sync {}: paused, scheduled time {} skipped", sync, due);
        }
        return replan(sync, this::syncSchedule);
    }

    private CompletionHandler<String> runScheduledSequence(TaskInstance<String> instance, ExecutionContext context) {
        String name = instance.getId();
        workspaces.refresh();
        Optional<SequenceConfig> config = Optional.ofNullable(workspaces.current().config().sequences().get(name));
        if (config.isPresent()) sequences.run(name, "schedule " + context.getExecution().executionTime);
        return replan(name, this::sequenceSchedule);
    }

    private Optional<Schedule> syncSchedule(String sync) {
        return Optional.ofNullable(workspaces.current().config().syncs().get(sync)).map(SyncConfig::schedule);
    }

    private Optional<Schedule> sequenceSchedule(String sequence) {
        return Optional.ofNullable(workspaces.current().config().sequences().get(sequence)).map(SequenceConfig::schedule);
    }

    /**
     * A busy sync is retried shortly; any other failure (the store unreachable, the sync removed meanwhile) moves
     * on to the next scheduled time instead of db-scheduler's default of retrying every 5 minutes forever.
     */
    private void afterFailure(com.github.kagkarlsson.scheduler.task.ExecutionComplete complete,
                              com.github.kagkarlsson.scheduler.task.ExecutionOperations<String> operations,
                              java.util.function.Function<String, Optional<Schedule>> schedule) {
        String name = complete.getExecution().taskInstance.getId();
        if (complete.getCause().filter(SyncBusy.class::isInstance).isPresent()) {
            operations.reschedule(complete, clock.instant().plus(retryBusy));
            return;
        }
        log.warn("{} {}: failed: {}", complete.getExecution().getTaskName(), name, complete.getCause().map(Throwable::toString).orElse("?"));
        Optional<Schedule> current = schedule.apply(name);
        Optional<Instant> next = current.flatMap(s -> s.nextAfter(clock.instant(), spread(name)));
        if (next.isPresent()) operations.reschedule(complete, next.get(), current.get().describe());
        else operations.stop();
    }

    /** A scheduled time met a run of its sync in progress (possibly on a node that died). */
    private static final class SyncBusy extends RuntimeException {
        SyncBusy(String sync, RunRecord running) {
            super("sync " + sync + " is running (run " + running.id() + ", owner " + running.owner() + ")", null, false, false);
        }
    }

    /** After a run: the next time after now (missed times are not made up), or the end of a removed schedule. */
    private CompletionHandler<String> replan(String name, java.util.function.Function<String, Optional<Schedule>> current) {
        // The configuration may have changed while the run went on: plan with the current one.
        workspaces.refresh();
        Optional<Schedule> schedule = current.apply(name);
        Optional<Instant> next = schedule.flatMap(s -> s.nextAfter(clock.instant(), spread(name)));
        return (complete, operations) -> {
            if (next.isPresent()) operations.reschedule(complete, next.get(), schedule.get().describe());
            else operations.stop();
        };
    }

    /** A succeeded run starts the syncs scheduled {@code after:} it, once each, on whichever node is free. */
    private void scheduleDependents(RunRecord finished) {
        if (!finished.status().succeeded()) return;
        for (SyncConfig dependent : workspaces.current().config().syncs().values()) {
            if (dependent.schedule() instanceof Schedule.After after && after.sync().equals(finished.syncName())) {
                String id = dependent.name() + "#after-run-" + finished.id();
                scheduler.scheduleIfNotExists(afterTask.instance(id, finished.syncName() + " run " + finished.id()), clock.instant());
            }
        }
    }

    private void runAfter(TaskInstance<String> instance) {
        String sync = instance.getId().substring(0, instance.getId().indexOf('#'));
        workspaces.refresh();
        if (!workspaces.current().config().syncs().containsKey(sync) || workspaces.current().engine().isPaused(sync)) return;
        runs.runAndWait(sync, RunService.Kind.RUN, "after " + instance.getData());
    }

    /** A stable offset per name in seconds, so many syncs on one interval do not all start in the same second. */
    static long spread(String name) {
        return Integer.toUnsignedLong(name.hashCode());
    }

    @Override
    public void close() { scheduler.stop(); }

    /** How fast the cluster notices work and dead nodes. */
    public record ClusterTimings(Duration polling, Duration heartbeat, int missedHeartbeats) {
        public static final ClusterTimings DEFAULT = new ClusterTimings(Duration.ofSeconds(2), Duration.ofSeconds(5), 6);

        /** A node silent this long is dead: its picked executions run again elsewhere. */
        public Duration deadAfter() { return heartbeat.multipliedBy(missedHeartbeats); }
    }
}
