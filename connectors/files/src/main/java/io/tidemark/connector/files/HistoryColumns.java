package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.WriteRequest;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@value SystemColumns#SYNCED_AT} and {@value SystemColumns#RUN_ID} columns of a history file (every append, and
 * the replace that reloads an append sync): their place in the file's rows and this run's values for them.
 */
record HistoryColumns(int syncedAtIndex, int runIdIndex, OffsetDateTime syncedAt, long runId) {

    /**
     * {@code schema}'s columns followed by the two history columns. The run's own values of them (say, read from
     * another history table) are dropped: every row gets this run's.
     */
    static List<Column> appendedTo(StreamSchema schema) {
        List<Column> columns = new ArrayList<>(schema.columns().stream().filter(c -> !isHistory(c.name())).toList());
        columns.addAll(SystemColumns.history());
        return columns;
    }

    /** Where {@code request}'s run stamps the history columns of {@code fileSchema}, which has them. */
    static HistoryColumns of(StreamSchema fileSchema, WriteRequest request) {
        return new HistoryColumns(fileSchema.indexOf(SystemColumns.SYNCED_AT), fileSchema.indexOf(SystemColumns.RUN_ID),
                request.runStartedAt().atOffset(ZoneOffset.UTC), request.runId());
    }

    /** Sets the run's values in a row in file-schema order. */
    void stamp(Object[] row) {
        row[syncedAtIndex] = syncedAt;
        row[runIdIndex] = runId;
    }

    private static boolean isHistory(String column) {
        return column.equals(SystemColumns.SYNCED_AT) || column.equals(SystemColumns.RUN_ID);
    }
}
