package io.tidemark.engine.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The kinds of difference between the source's current columns and the shape a sync's destination was built from,
 * each with the {@link SchemaAction}s it allows and the one it gets by default.
 */
public enum SchemaChangeKind {
    /** The source has a column the destination was not built with (also a dropped column back with its old type). */
    COLUMN_ADDED(SchemaAction.PROPAGATE, EnumSet.allOf(SchemaAction.class), ""),
    /**
     * A column the destination was built with is gone at the source. Tidemark never drops a destination column:
     * {@code propagate} writes nulls to it, {@code ignore} leaves the values it holds (a full refresh rewrites every
     * row, so there it is null either way).
     */
    COLUMN_DROPPED(SchemaAction.PROPAGATE, EnumSet.allOf(SchemaAction.class), ""),
    /** A column's type changed to one that holds every old value ({@link io.tidemark.api.DataType#widensTo}). */
    TYPE_WIDENED(SchemaAction.PROPAGATE, EnumSet.of(SchemaAction.PROPAGATE, SchemaAction.PAUSE, SchemaAction.FAIL),
            "the destination column cannot keep its old type and take the wider values"),
    /** A column's type changed in a way that can lose or alter values: only a resync into the new shape is safe. */
    TYPE_CHANGED(SchemaAction.PAUSE, EnumSet.of(SchemaAction.PAUSE, SchemaAction.FAIL),
            "writing values of the new type into the old column could lose or alter them; resync into the new shape instead"),
    /** The columns that identify a row changed: the destination's rows no longer match the source's by key. */
    PRIMARY_KEY_CHANGED(SchemaAction.PAUSE, EnumSet.of(SchemaAction.PAUSE, SchemaAction.FAIL),
            "the destination's rows could no longer be matched by key; resync into the new shape instead");

    private final SchemaAction fallback;
    private final Set<SchemaAction> allowed;
    private final String restriction;

    SchemaChangeKind(SchemaAction fallback, Set<SchemaAction> allowed, String restriction) {
        this.fallback = fallback;
        this.allowed = Set.copyOf(allowed);
        this.restriction = restriction;
    }

    public SchemaAction defaultAction() { return fallback; }

    public Set<SchemaAction> allowed() { return allowed; }

    public String configName() { return name().toLowerCase(Locale.ROOT); }

    /** Why some actions are not allowed for this kind, in words for a config error; empty when all are. */
    public String restriction() { return restriction; }
}
