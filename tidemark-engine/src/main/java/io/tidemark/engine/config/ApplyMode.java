package io.tidemark.engine.config;

import java.util.Locale;

/** How changes are applied at the destination ({@code mode}, PRODUCT.md). */
public enum ApplyMode {
    INSERT, UPDATE, UPSERT, MIRROR;

    public String configName() { return name().toLowerCase(Locale.ROOT); }

    /** Whether records that left the model are acted on ({@code delete_behavior}). */
    public boolean appliesRemovals() { return this == UPDATE || this == MIRROR; }

    /** Whether sending a row twice can duplicate its record (a resync of an insert-only sync). */
    public boolean canDuplicate() { return this == INSERT; }
}
