package io.tidemark.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a sequence: its syncs run in order, each after the previous one succeeded. {@code duration} is empty
 * until the sequence run finished; {@code failedSync} names the sync whose failure stopped it.
 */
public record SequenceRun(long id, String sequence, RunStatus status, String trigger, Instant startedAt,
                          Optional<Duration> duration, Optional<String> failedSync, Optional<String> message) {
    public SequenceRun {
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(failedSync, "failedSync");
        Objects.requireNonNull(message, "message");
    }
}
