package io.tidemark.engine.config;

import java.util.List;
import java.util.Objects;

/**
 * A sequence: syncs that run in order, each after the previous one succeeded ({@code sequences:} in the workspace).
 *
 * @param syncs    the syncs in run order: at least one, each once, each defined in the workspace
 * @param schedule when the sequence starts by itself; never {@link Schedule.After}
 */
public record SequenceConfig(String name, List<String> syncs, Schedule schedule) {
    public SequenceConfig {
        Objects.requireNonNull(name, "name");
        syncs = List.copyOf(syncs);
        Objects.requireNonNull(schedule, "schedule");
        if (syncs.isEmpty()) throw new IllegalArgumentException("a sequence runs at least one sync");
        if (schedule instanceof Schedule.After) throw new IllegalArgumentException("a sequence is scheduled by time or manually");
    }
}
