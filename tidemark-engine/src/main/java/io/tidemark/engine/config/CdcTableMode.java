package io.tidemark.engine.config;

import java.util.Locale;

/** What a {@code cdc} sync keeps at the destination ({@code cdc_table_mode}). */
public enum CdcTableMode {
    /** A table mirroring the source table's current state: inserts and updates upserted, deletes deleted. */
    CONSOLIDATED,
    /** An append-only change log: one row per change with its operation, log position and commit time. */
    CHANGELOG,
    /** Both: the mirror in the sync's table, the change log in {@code <table>_changelog}. */
    BOTH;

    public boolean mirrors() { return this != CHANGELOG; }

    public boolean logs() { return this != CONSOLIDATED; }

    public String configName() { return name().toLowerCase(Locale.ROOT); }
}
