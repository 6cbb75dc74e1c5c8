package io.tidemark.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run's write into one destination object.
 *
 * @param syncKey            identifies the sync in the destination's {@value SystemColumns#STATE_TABLE} table
 * @param target             the destination table (or file stem)
 * @param schema             the rows' schema; the destination creates {@code target} from it when missing
 * @param runId              the run writing; stored in {@link SystemColumns#RUN_ID} for append
 * @param runStartedAt       stored in {@link SystemColumns#SYNCED_AT} for append
 * @param appendDedupColumns for {@link WriteMode#APPEND}: rows whose values in these columns already exist at
 *                           the destination are skipped (primary key + cursor); empty disables
 * @param historyColumns     the target is a history table: it has {@link SystemColumns#SYNCED_AT} and
 *                           {@link SystemColumns#RUN_ID}, filled for every row written. Always true for
 *                           {@link WriteMode#APPEND}; true for {@link WriteMode#REPLACE} when an append sync is
 *                           reloaded (resync), so the replacement table keeps the history columns
 */
public record WriteRequest(String syncKey, StreamId target, StreamSchema schema, WriteMode mode, long runId,
                           Instant runStartedAt, List<String> appendDedupColumns, boolean historyColumns) {
    public WriteRequest {
        Objects.requireNonNull(syncKey, "syncKey");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(runStartedAt, "runStartedAt");
        appendDedupColumns = List.copyOf(appendDedupColumns);
        if (mode == WriteMode.APPEND && !historyColumns) {
            throw new IllegalArgumentException("append writes always carry history columns");
        }
        if ((mode == WriteMode.UPSERT || mode == WriteMode.CHANGES) && historyColumns) {
            throw new IllegalArgumentException(mode + " writes do not carry history columns");
        }
    }

    /** A request whose history columns follow the mode: present for append only. */
    public WriteRequest(String syncKey, StreamId target, StreamSchema schema, WriteMode mode, long runId,
                        Instant runStartedAt, List<String> appendDedupColumns) {
        this(syncKey, target, schema, mode, runId, runStartedAt, appendDedupColumns, mode == WriteMode.APPEND);
    }
}
