package io.tidemark.engine.config;

import java.util.Locale;

/** What a sync does with one kind of source schema change, as {@code schema_policy} says. */
public enum SchemaAction {
    /** Apply the change at the destination and go on (a new column is added, a widened one widened). */
    PROPAGATE,
    /** Keep syncing the old shape: a new column is not sent; a dropped one keeps the values the destination has. */
    IGNORE,
    /** Stop before writing anything and pause the sync, saying what changed and the choices. */
    PAUSE,
    /** Fail the run before writing anything; the next run meets the same change. */
    FAIL;

    public String configName() { return name().toLowerCase(Locale.ROOT); }

    /** Whether the run stops at the change. */
    public boolean stops() { return this == PAUSE || this == FAIL; }
}
