package io.tidemark.store;

import java.util.Locale;

/** Where a run is in its life. Stored, shown and matched by {@link #configName()}. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, SUCCEEDED_WITH_REJECTIONS;

    private final String configName = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in the state store, the CLI and the API, e.g. {@code succeeded_with_rejections}. */
    public String configName() { return configName; }

    /** True for the final statuses: a finished run never changes status again. */
    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }

    /** True for runs whose data committed: succeeded, possibly with rows the destination rejected. */
    public boolean succeeded() {
        return this == SUCCEEDED || this == SUCCEEDED_WITH_REJECTIONS;
    }

    public static RunStatus fromConfigName(String configName) {
        for (RunStatus status : values()) if (status.configName.equals(configName)) return status;
        throw new IllegalArgumentException("unknown run status \"" + configName + "\"");
    }
}
