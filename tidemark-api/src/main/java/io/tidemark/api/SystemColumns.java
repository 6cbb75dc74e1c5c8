package io.tidemark.api;

/** Columns Tidemark adds at destinations. */
public final class SystemColumns {
    /** When the row was written (timestamptz), on append tables. */
    public static final String SYNCED_AT = "_tidemark_synced_at";
    /** The run that wrote the row (int64), on append tables. */
    public static final String RUN_ID = "_tidemark_run_id";
    /** Set by soft delete. */
    public static final String DELETED_AT = "_tidemark_deleted_at";
    /** The destination table holding committed checkpoints. */
    public static final String STATE_TABLE = "_tidemark_state";

    private SystemColumns() {}

    public static boolean isSystem(String column) { return column.startsWith("_tidemark_"); }
}
