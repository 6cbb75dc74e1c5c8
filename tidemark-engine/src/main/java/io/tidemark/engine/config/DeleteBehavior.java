package io.tidemark.engine.config;

import java.util.Locale;

/** What a {@code diff} sync does at the destination when a record leaves the model ({@code delete_behavior}). */
public enum DeleteBehavior {
    /** Leave the destination record as it is. */
    NOTHING,
    /** Null the mapped fields, keep the record (its matching fields stay). */
    CLEAR_FIELDS,
    /** Delete the destination record. */
    DELETE,
    /** Set {@code _tidemark_deleted_at} on the record; a record that re-enters the model gets it cleared. */
    SOFT_DELETE;

    public String configName() { return name().toLowerCase(Locale.ROOT); }
}
