package io.tidemark.api;

/**
 * What a {@link ChangeBatch} does to the destination records its rows match by key. Rows of {@link #UPDATE} and
 * {@link #UPSERT} set only the batch schema's columns, so one operation serves a full update, clearing fields (the
 * fields sent as nulls) and a soft delete (only {@link SystemColumns#DELETED_AT} sent).
 */
public enum ChangeOp {
    /** Insert a new record; a key the target already holds is rejected ("already exists"). */
    INSERT,
    /** Set the given columns of the existing record; a key the target does not hold is rejected ("not found"). */
    UPDATE,
    /** Insert, or set the given columns of the existing record. */
    UPSERT,
    /** Delete the record; a key the target does not hold is nothing to do (counted as not deleted). */
    DELETE
}
