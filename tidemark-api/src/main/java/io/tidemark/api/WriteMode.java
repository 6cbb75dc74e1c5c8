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
    APPEND,
    /**
     * Change tracking ({@code diff} syncs): the writer takes {@link ChangeBatch}es through
     * {@link StreamWriter#apply}; {@link StreamWriter#write} is not called. The target is created from the request's
     * schema when missing (its primary key = the record-matching fields) and gains missing columns.
     */
    CHANGES
}
