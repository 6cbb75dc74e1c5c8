package io.tidemark.connector.postgres;

import io.tidemark.api.SystemColumns;
import io.tidemark.api.WriteRequest;

import java.time.Instant;
import java.util.Optional;

/**
 * The two columns of a history table ({@link SystemColumns#SYNCED_AT}, {@link SystemColumns#RUN_ID}) and the values
 * every row of one run gets in them.
 */
record HistoryColumns(Instant syncedAt, long runId) {
    static Optional<HistoryColumns> of(WriteRequest request) {
        return request.historyColumns() ? Optional.of(new HistoryColumns(request.runStartedAt(), request.runId())) : Optional.empty();
    }

    /**
     * Column definitions whose defaults are this run's values, so that a COPY naming only the stream's columns fills
     * them for every row it loads, raw or decoded alike.
     */
    String definitionsDefaultingToTheRun() {
        return Sql.ident(SystemColumns.SYNCED_AT) + " timestamptz default " + Sql.literal(syncedAt.toString()) + "::timestamptz, "
                + Sql.ident(SystemColumns.RUN_ID) + " bigint default " + runId;
    }

    /** {@code ALTER TABLE} actions that remove those defaults once loaded: later rows must not inherit this run's values. */
    static String dropDefaults() {
        return "alter column " + Sql.ident(SystemColumns.SYNCED_AT) + " drop default, alter column " + Sql.ident(SystemColumns.RUN_ID) + " drop default";
    }
}
