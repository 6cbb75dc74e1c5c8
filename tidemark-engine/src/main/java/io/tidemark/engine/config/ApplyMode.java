package io.tidemark.engine.config;

import java.util.Locale;

/** How changes are applied at the destination ({@code mode}, PRODUCT.md). */
public enum ApplyMode {
    INSERT, UPDATE, UPSERT, MIRROR;

    public String configName() { return name().toLowerCase(Locale.ROOT); }
}
