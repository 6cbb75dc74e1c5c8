package io.tidemark.engine;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.store.RunRecord;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Run history written back into a destination ({@code sync_logs: true} on its connection), for analysis next to the
 * data: {@value #RUNS} (one row per run) and {@value #CHANGES} (one row per key and change class of a diff run).
 * Written after the run committed, in their own transaction without a checkpoint: a failure here is logged and never
 * fails or repeats the run.
 */
final class SyncLogs {
    static final String RUNS = "tidemark_sync_runs";
    static final String CHANGES = "tidemark_sync_changes";
    private static final int BATCH = 10_000;

    private SyncLogs() {}

    static StreamSchema runsSchema(String namespace) {
        return new StreamSchema(new StreamId(namespace, RUNS), List.of(
                new Column("run_id", DataType.INT64, false, null), Column.of("sync_name", DataType.STRING),
                Column.of("status", DataType.STRING), Column.of("trigger", DataType.STRING),
                Column.of("started_at", DataType.TIMESTAMPTZ), Column.of("duration_ms", DataType.INT64),
                Column.of("rows_read", DataType.INT64), Column.of("added", DataType.INT64), Column.of("changed", DataType.INT64),
                Column.of("removed", DataType.INT64), Column.of("rows_written", DataType.INT64),
                Column.of("rows_deleted", DataType.INT64), Column.of("rows_rejected", DataType.INT64),
                Column.of("error", DataType.STRING)), List.of("run_id"), null);
    }

    static StreamSchema changesSchema(String namespace) {
        return new StreamSchema(new StreamId(namespace, CHANGES), List.of(
                new Column("run_id", DataType.INT64, false, null), new Column("change", DataType.STRING, false, null),
                new Column("record_key", DataType.STRING, false, null), Column.of("sync_name", DataType.STRING),
                Column.of("status", DataType.STRING), Column.of("reason", DataType.STRING)),
                List.of("run_id", "change", "record_key"), null);
    }

    /** Writes the run's row and, for a diff run, its changes. */
    static void write(Destination destination, String namespace, RunRecord run, Optional<DiffTransfer> diff) {
        StreamSchema runs = runsSchema(namespace);
        var c = run.counts();
        Object[] row = {run.id(), run.syncName(), run.status().configName(), run.trigger(),
                OffsetDateTime.ofInstant(run.startedAt(), ZoneOffset.UTC), run.durationMs(), c.rowsRead(), c.added(), c.changed(),
                c.removed(), c.rowsWritten(), c.rowsDeleted(), c.rowsRejected(), run.errorMessage()};
        try (StreamWriter w = open(destination, runs, run)) {
            w.write(new RowBatch(runs, List.<Object[]>of(row)));
            w.commitDataOnly();
        }
        if (diff.isEmpty()) return;
        StreamSchema changes = changesSchema(namespace);
        try (StreamWriter w = open(destination, changes, run)) {
            List<Object[]> batch = new ArrayList<>();
            diff.get().forEachChange((change, key, status, reason) -> {
                batch.add(new Object[]{run.id(), change.configName(), key, run.syncName(), status, reason});
                if (batch.size() >= BATCH) {
                    w.write(new RowBatch(changes, List.copyOf(batch)));
                    batch.clear();
                }
            });
            if (!batch.isEmpty()) w.write(new RowBatch(changes, batch));
            w.commitDataOnly();
        }
    }

    private static StreamWriter open(Destination destination, StreamSchema schema, RunRecord run) {
        return destination.open(new WriteRequest("tidemark_sync_logs", schema.id(), schema, WriteMode.UPSERT, run.id(),
                run.startedAt(), List.of()));
    }
}
