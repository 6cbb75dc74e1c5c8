package io.tidemark.api;

import java.util.Locale;

/** How change tracking classifies a model row against the previous run's snapshot; a destination may send each class its own way (an API's endpoints). */
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
