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

    private static final java.util.List<Column> HISTORY = java.util.List.of(
            new Column(SYNCED_AT, DataType.TIMESTAMPTZ, true, null), new Column(RUN_ID, DataType.INT64, true, null));

    private SystemColumns() {}

    /**
     * The columns of a history table, in order: {@link #SYNCED_AT}, {@link #RUN_ID}. Nullable, because adding them to a
     * table that already holds rows leaves those rows without values.
     */
    public static java.util.List<Column> history() { return HISTORY; }

    public static boolean isSystem(String column) { return column.startsWith("_tidemark_"); }
}
