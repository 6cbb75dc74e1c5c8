package io.tidemark.api;

/** What a connector can do. The engine asks; it never probes with try/catch. */
public enum Capability {
    /** Can act as a source. */
    SOURCE,
    /** Can act as a destination. */
    DESTINATION,
    /** Data and checkpoint commit in one destination transaction ({@link StreamWriter#commit}). */
    TRANSACTIONAL_COMMIT,
    /**
     * Destination holds tables it can replace whole (full refresh) and append history to (append syncs); an API that
     * only takes keyed changes does not.
     */
    TABLE_WRITES,
    /**
     * Destination: what a writer's {@code write} and {@code apply} send stays invisible until its {@code commit} (a
     * transaction, or files swapped in at commit), so a run that fails later leaves nothing behind. Without it each
     * call is final when it returns (an API), and the engine checks what it can before it sends anything.
     */
    STAGED_WRITES,
    /** Destination can upsert by primary key. */
    UPSERT,
    /** Destination can delete by key. */
    DELETE,
    /** Destination replaces a table atomically (shadow table swapped in one transaction, or atomic rename). */
    ATOMIC_REPLACE,
    /**
     * Source applies a cursor window itself ({@link ReadRequest#window()}, {@link StreamReader#cursorUpperBound()});
     * incremental and append syncs need it.
     */
    CURSOR_PUSHDOWN,
    /** Source can run a SQL query as a model. */
    QUERY_MODELS,
    /** Bulk load path (COPY, staged files) rather than row-by-row inserts. */
    BULK_LOAD,
    /** Destination can add columns to tables it created. */
    SCHEMA_EVOLUTION,
    /** Log-based change data capture. */
    CDC
}
