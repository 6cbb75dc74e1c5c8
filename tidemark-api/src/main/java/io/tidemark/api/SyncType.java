package io.tidemark.api;

import java.util.Locale;

/** How changes are detected at the source (PRODUCT.md, "Sync settings"). */
public enum SyncType {
    FULL_REFRESH, INCREMENTAL, APPEND, CDC, DIFF, WEBHOOK;

    /** The spelling used in configuration and output: {@code full_refresh}. */
    public String configName() { return name().toLowerCase(Locale.ROOT); }

    public boolean usesCursor() { return this == INCREMENTAL || this == APPEND; }
}
