package io.tidemark.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tidemark.api.CaptureStatus;
import io.tidemark.api.Column;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.DataType;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.Problem;
import io.tidemark.api.SyncType;
import io.tidemark.api.Values;
import io.tidemark.engine.ChangePlan;
import io.tidemark.engine.CheckItem;
import io.tidemark.engine.Progress;
import io.tidemark.engine.SyncStatus;
import io.tidemark.engine.TestRowResult;
import io.tidemark.engine.config.WorkspacePlan;
import io.tidemark.api.ChangeClass;
import io.tidemark.store.ApiToken;
import io.tidemark.store.AuditEvent;
import io.tidemark.store.CaptureLag;
import io.tidemark.store.CheckpointVersion;
import io.tidemark.store.RejectedRecord;
import io.tidemark.store.RunRecord;
import io.tidemark.store.SchemaChangeRecord;
import io.tidemark.store.SequenceRun;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of the REST API and of the CLI's {@code --json} output: one rendering for both, with stable
 * snake_case keys and ISO-8601 instants. The OpenAPI document describes these shapes; a test keeps them in step.
 */
public final class ApiJson {
    /** Shared, configured once: Jackson mappers are thread-safe after configuration. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ApiJson() {}

    public static Map<String, Object> run(RunRecord run) {
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
        m.put("capture_lag_bytes", run.captureLag().map(CaptureLag::bytes).orElse(null));
        m.put("capture_lag_ms", run.captureLag().map(CaptureLag::millis).orElse(null));
        return m;
    }

    /** A run with the source schema changes it met, in the order met: how {@code tidemark run} reports a finished run. */
    public static Map<String, Object> run(RunRecord run, List<SchemaChangeRecord> schemaChanges) {
        Map<String, Object> m = run(run);
        m.put("schema_changes", schemaChanges.stream().map(ApiJson::schemaChange).toList());
        return m;
    }

    /**
     * A run with the schema changes it met, the rows its destination rejected (the first ones kept; {@code
     * rows_rejected} has the total), the checkpoints it recorded, and, while it runs on the answering node, its latest
     * progress.
     */
    public static Map<String, Object> runDetail(RunRecord run, List<SchemaChangeRecord> schemaChanges, List<RejectedRecord> rejected,
                                                List<CheckpointVersion> checkpoints, Optional<Progress> progress) {
        Map<String, Object> m = run(run, schemaChanges);
        m.put("rejected_rows", rejected.stream().map(ApiJson::rejection).toList());
        m.put("checkpoints", checkpoints.stream().map(ApiJson::checkpoint).toList());
        m.put("progress", progress.map(ApiJson::progress).orElse(null));
        return m;
    }

    private static Map<String, Object> progress(Progress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows_read", p.rowsRead());
        m.put("rows_written", p.rowsWritten());
        m.put("bytes_moved", p.bytesMoved());
        m.put("estimated_rows", p.estimatedRows().isPresent() ? p.estimatedRows().getAsLong() : null);
        return m;
    }

    /** A connector as forms need it: what it can be and the fields of its configuration (secrets flagged). */
    public static Map<String, Object> connector(ConnectorFactory factory) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", factory.name());
        m.put("capabilities", factory.capabilities().stream().map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
        m.put("fields", factory.configSpec().fields().stream().map(f -> {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("name", f.name());
            field.put("type", f.type().name().toLowerCase(java.util.Locale.ROOT));
            field.put("required", f.required());
            field.put("secret", f.secret());
            field.put("default", f.defaultValue());
            field.put("description", f.description());
            return field;
        }).toList());
        return m;
    }

    /**
     * A source schema change and the action {@code schema_policy} takes on it, both also in the engine's words ({@code
     * description}); {@code before}/{@code after} null when absent.
     */
    private static Map<String, Object> schemaChange(SchemaChangeRecord change) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", change.kind());
        m.put("column", change.column());
        m.put("before", change.before().orElse(null));
        m.put("after", change.after().orElse(null));
        m.put("action", change.action());
        m.put("description", change.description());
        return m;
    }

    public static Map<String, Object> rejection(RejectedRecord rejected) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("change", rejected.change());
        m.put("key", rejected.key());
        m.put("reason", rejected.reason());
        return m;
    }

    public static Map<String, Object> checkpoint(CheckpointVersion version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version.version());
        m.put("run_id", version.runId());
        m.put("reason", version.reason());
        m.put("created_at", version.createdAt().toString());
        m.put("checkpoint", version.checkpoint());
        return m;
    }

    public static Map<String, Object> status(SyncStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sync", s.sync());
        m.put("sync_type", s.syncType().configName());
        m.put("paused", s.paused());
        m.put("last_run", s.lastRun().map(ApiJson::run).orElse(null));
        m.put("checkpoint", s.checkpoint().orElse(null));
        m.put("capture", s.capture().map(ApiJson::capture).orElse(null));
        m.put("capture_lag_bytes", s.captureLag().map(CaptureLag::bytes).orElse(null));
        m.put("capture_lag_ms", s.captureLag().map(CaptureLag::millis).orElse(null));
        return m;
    }

    private static Map<String, Object> capture(CaptureStatus c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", c.active());
        m.put("confirmed", c.confirmed().text());
        m.put("current", c.current().text());
        m.put("lag_bytes", c.lagBytes());
        m.put("invalidated", c.invalidated().orElse(null));
        return m;
    }

    /**
     * What a run would do now: the schema changes it would meet ({@code schema_choices}: the ways on, in words, when one
     * would stop the run; else null), and for a diff sync the rows per class (zero counts and no samples for other sync
     * types, and when a schema change would stop the run).
     */
    public static Map<String, Object> plan(ChangePlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sync", plan.syncName());
        m.put("rows_read", plan.rowsRead());
        for (ChangeClass c : ChangeClass.values()) {
            Map<String, Object> each = new LinkedHashMap<>();
            each.put("count", plan.counts().getOrDefault(c, 0L));
            each.put("sent", plan.sends().getOrDefault(c, false));
            each.put("samples", plan.samples().getOrDefault(c, List.of()).stream().map(ApiJson::fieldValues).toList());
            m.put(c.configName(), each);
        }
        m.put("schema_changes", plan.schemaChanges().stream().map(d -> schemaChange(d.record())).toList());
        m.put("schema_choices", plan.schemaChoices().orElse(null));
        return m;
    }

    public static Map<String, Object> testRow(TestRowResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sync", r.syncName());
        m.put("as", r.as().configName());
        m.put("operation", r.op().map(op -> op.name().toLowerCase(java.util.Locale.ROOT)).orElse(null));
        m.put("target", r.target());
        m.put("sent", fieldValues(r.sent()));
        m.put("accepted", r.accepted());
        m.put("answer", r.answer());
        m.put("exchanges", r.exchanges().stream().map(e -> Map.of("request", e.request(), "response", e.response())).toList());
        return m;
    }

    /**
     * Row values as JSON: integers and booleans as JSON numbers and booleans, null as null, everything else as its
     * canonical text (decimals keep every digit, timestamps read as in checkpoints and files). The engine hands values
     * over as plain Java values; each {@link DataType.Kind} has its own Java class, so the kind follows from the value.
     */
    static Map<String, Object> fieldValues(Map<String, Object> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((name, value) -> out.put(name,
                value == null || value instanceof Boolean || value instanceof Short || value instanceof Integer
                        || value instanceof Long ? value : canonical(value)));
        return out;
    }

    private static String canonical(Object value) {
        DataType.Kind kind = Arrays.stream(DataType.Kind.values()).filter(k -> k.javaType().isInstance(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a value of any Tidemark type: " + value.getClass().getName()));
        return Values.format(DataType.of(kind), value);
    }

    public static Map<String, Object> check(CheckItem item) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", item.subject());
        m.put("ok", item.report().problems().isEmpty());
        m.put("passed", item.report().passed());
        m.put("problems", item.report().problems().stream().map(ApiJson::problem).toList());
        return m;
    }

    private static Map<String, Object> problem(Problem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", p.code().code());
        m.put("message", p.message());
        m.put("fix", p.fix());
        return m;
    }

    public static Map<String, Object> discovered(DiscoveredStream d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream", d.schema().id().toString());
        m.put("columns", d.schema().columns().stream().map(ApiJson::column).toList());
        m.put("primary_key", d.schema().primaryKey());
        m.put("cursor_candidates", d.cursorCandidates());
        m.put("sync_types", d.supportedSyncTypes().stream().map(SyncType::configName).sorted().toList());
        m.put("estimated_rows", d.estimatedRows());
        return m;
    }

    private static Map<String, Object> column(Column c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("type", c.type().toString());
        m.put("nullable", c.nullable());
        m.put("native_type", c.nativeType());
        return m;
    }

    /** What applying a workspace document changes (or changed), entry by entry. */
    public static Map<String, Object> workspacePlan(WorkspacePlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("empty", plan.isEmpty());
        m.put("destructive", plan.destructive());
        m.put("entries", plan.entries().stream().map(e -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            entry.put("name", e.name());
            entry.put("action", e.action().name().toLowerCase(java.util.Locale.ROOT));
            entry.put("destructive", e.destructive());
            entry.put("changes", e.changes().stream().map(c -> {
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("setting", c.setting());
                change.put("before", c.before());
                change.put("after", c.after());
                change.put("destructive", c.destructive());
                change.put("reason", c.reason());
                return change;
            }).toList());
            return entry;
        }).toList());
        return m;
    }

    public static Map<String, Object> audit(AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("at", e.at().toString());
        m.put("actor", e.actor());
        m.put("action", e.action());
        m.put("target", e.target());
        m.put("before", e.beforeJson().map(ApiJson::parse).orElse(null));
        m.put("after", e.afterJson().map(ApiJson::parse).orElse(null));
        m.put("detail", e.detail().orElse(null));
        return m;
    }

    public static Map<String, Object> token(ApiToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("scope", t.scope());
        m.put("created_at", t.createdAt().toString());
        m.put("revoked_at", t.revokedAt().map(Instant::toString).orElse(null));
        return m;
    }

    public static Map<String, Object> sequenceRun(SequenceRun r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("sequence", r.sequence());
        m.put("status", r.status().configName());
        m.put("trigger", r.trigger());
        m.put("started_at", r.startedAt().toString());
        m.put("duration_ms", r.duration().map(java.time.Duration::toMillis).orElse(null));
        m.put("failed_sync", r.failedSync().orElse(null));
        m.put("message", r.message().orElse(null));
        return m;
    }

    public static Object parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
