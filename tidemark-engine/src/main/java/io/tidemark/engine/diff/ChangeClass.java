package io.tidemark.engine.diff;

import java.util.Locale;

/** How a diff classifies a model row against the previous run's snapshot. */
public enum ChangeClass {
    /** Its key is not in the snapshot. */
    ADDED,
    /** Its key is in the snapshot with another hash: a sent column differs. */
    CHANGED,
    /** Its key is in the snapshot but left the model. */
    REMOVED;

    public String configName() { return name().toLowerCase(Locale.ROOT); }

    public static ChangeClass of(String name) { return valueOf(name.toUpperCase(Locale.ROOT)); }
}
