package io.tidemark.server.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What a webhook receives when a run fails, a sync recovers or a sequence fails. Its JSON ({@link #toJson()}) is a
 * public format: snake_case keys, every key always present ({@code null} when it does not apply), ISO-8601 UTC
 * instants. Keys are only ever added to it.
 *
 * @param event      {@value #RUN_FAILED}, {@value #RUN_RECOVERED} or {@value #SEQUENCE_FAILED}
 * @param name       the sync's name, or the sequence's for {@value #SEQUENCE_FAILED}
 * @param runId      the run, or {@code null} for a sequence
 * @param status     the run's (or sequence's) final status, e.g. {@code failed}
 * @param errorCode  the stable error code of a failure, or {@code null}
 * @param message    the failure's user message (never holds a secret), or {@code null}
 * @param startedAt  when it started
 * @param finishedAt when it finished, or {@code null} if it has no finish time
 * @param trigger    what started it, e.g. {@code schedule} or {@code manual}
 */
public record Notification(String event, String name, Long runId, String status, String errorCode, String message,
                           Instant startedAt, Instant finishedAt, String trigger) {
    public static final String RUN_FAILED = "run_failed";
    public static final String RUN_RECOVERED = "run_recovered";
    public static final String SEQUENCE_FAILED = "sequence_failed";
    private static final Set<String> EVENTS = Set.of(RUN_FAILED, RUN_RECOVERED, SEQUENCE_FAILED);

    public Notification {
        Objects.requireNonNull(event, "event");
        if (!EVENTS.contains(event)) {
            throw new IllegalArgumentException("unknown notification event \"" + event + "\"; expected one of " + EVENTS);
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(trigger, "trigger");
    }

    /** A run's notification; its finish time is its start plus its duration. */
    public static Notification ofRun(String event, io.tidemark.store.RunRecord run) {
        return new Notification(event, run.syncName(), run.id(), run.status().configName(), run.errorCode(), run.errorMessage(),
                run.startedAt(), run.durationMs() == null ? null : run.startedAt().plusMillis(run.durationMs()), run.trigger());
    }

    /** A sequence that stopped: the message names the sync that failed. */
    public static Notification ofSequence(io.tidemark.store.SequenceRun run) {
        String message = run.failedSync().map(s -> "sync " + s + ": ").orElse("") + run.message().orElse("");
        return new Notification(SEQUENCE_FAILED, run.sequence(), null, run.status().configName(), null, message.isEmpty() ? null : message,
                run.startedAt(), run.duration().map(run.startedAt()::plus).orElse(null), run.trigger());
    }

    /** The webhook payload. */
    public String toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode()
                .put("event", event)
                .put("name", name)
                .put("run_id", runId)
                .put("status", status)
                .put("error_code", errorCode)
                .put("message", message)
                .put("started_at", startedAt.toString())
                .put("finished_at", finishedAt == null ? null : finishedAt.toString())
                .put("trigger", trigger);
        return json.toString();
    }
}
