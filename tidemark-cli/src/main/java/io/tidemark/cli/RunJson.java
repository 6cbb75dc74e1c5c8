package io.tidemark.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tidemark.store.RejectedRecord;
import io.tidemark.store.RunRecord;

import java.util.LinkedHashMap;
import java.util.Map;

/** Machine-readable output: stable snake_case keys, one JSON document on stdout. */
final class RunJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunJson() {}

    static Map<String, Object> summary(RunRecord run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", run.id());
        m.put("sync", run.syncName());
        m.put("status", run.status().configName());
        m.put("trigger", run.trigger());
        m.put("started_at", run.startedAt().toString());
        m.put("duration_ms", run.durationMs());
        m.put("rows_read", run.counts().rowsRead());
        // What a diff run planned (zero for other sync types), then what the destination applied.
        m.put("added", run.counts().added());
        m.put("changed", run.counts().changed());
        m.put("removed", run.counts().removed());
        m.put("rows_written", run.counts().rowsWritten());
        m.put("rows_deleted", run.counts().rowsDeleted());
        m.put("rows_rejected", run.counts().rowsRejected());
        m.put("error_code", run.errorCode());
        m.put("error", run.errorMessage());
        m.put("checkpoint_before", run.checkpointBefore());
        m.put("checkpoint_after", run.checkpointAfter());
        run.captureLag().ifPresent(lag -> {
            m.put("capture_lag_bytes", lag.bytes());
            m.put("capture_lag_ms", lag.millis());
        });
        return m;
    }

    static Map<String, Object> rejection(RejectedRecord rejected) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("change", rejected.change());
        m.put("key", rejected.key());
        m.put("reason", rejected.reason());
        return m;
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
