package io.tidemark.api;

/** How a writer applies the rows it is given. */
public enum WriteMode {
    /** Load a shadow table and swap it in atomically at {@link StreamWriter#commit}: readers never see a half table. */
    REPLACE,
    /** Insert or update by primary key. */
    UPSERT,
    /**
     * Insert-only history: the destination adds {@link SystemColumns#SYNCED_AT} and {@link SystemColumns#RUN_ID}
     * and skips rows whose {@link WriteRequest#appendDedupColumns()} tuple it already holds.
     */
    APPEND
}
