package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.Progress;
import io.tidemark.engine.config.SettingChange;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.config.WorkspacePlan;
import io.tidemark.api.ChangeClass;
import io.tidemark.server.api.ApiJson;
import io.tidemark.store.AuditEvent;
import io.tidemark.store.AuditQuery;
import io.tidemark.store.RunStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import static io.tidemark.cli.ServerClient.query;
import static io.tidemark.cli.ServerClient.segment;

/**
 * A Tidemark server, through its REST API. Runs execute on the server; this side starts them and follows them,
 * polling the run every {@link #POLL_INTERVAL}, until they finish.
 */
final class RemoteBackend implements Backend {
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    private static final String YAML = "application/yaml";
    /** The most audit events the API returns at once. */
    private static final int AUDIT_PAGE_MAX = 10_000;

    private final ServerClient client;
    private WorkspaceConfig workspace;

    RemoteBackend(ServerClient client) { this.client = client; }

    /**
     * The server's workspace as it exports it (secrets redacted), validated here the way the server validated it;
     * fetched once per command.
     */
    @Override
    public WorkspaceConfig workspace() {
        if (workspace == null) workspace = WorkspaceYaml.parseAsWritten(Path.of("workspace"), client.get("/api/v1/workspace"));
        return workspace;
    }

    @Override
    public String location() { return "the workspace of " + client.address(); }

    @Override
    public Map<String, Boolean> pausedBySync() {
        Map<String, Boolean> paused = new LinkedHashMap<>();
        for (JsonNode sync : client.get("/api/v1/syncs")) paused.put(sync.path("name").asText(), sync.path("paused").asBoolean());
        return paused;
    }

    @Override
    public JsonNode run(String sync, Operation operation, ProgressPrinter progress) {
        String action = switch (operation) {
            case RUN -> "runs";
            case RESYNC -> "resync";
            case RESET_TRACKING -> "reset-tracking";
            case RECOVER -> "recover";
        };
        JsonNode started = client.post("/api/v1/syncs/" + segment(sync) + "/" + action, null);
        JsonNode run = started.path("run");
        long id = run.path("run_id").asLong();
        if (started.path("already_running").asBoolean()) {
            System.err.println(sync + ": already running as run " + id + " (trigger " + run.path("trigger").asText()
                    + "); following it instead of starting another");
        }
        progress.started(sync, id);
        while (!RunStatus.fromConfigName(run.path("status").asText()).finished()) {
            sleep();
            run = client.get("/api/v1/runs/" + id);
            // The node running it reports live progress; another node answers with the counts saved every 2 s.
            JsonNode live = run.path("progress").isObject() ? run.path("progress") : run;
            progress.progress(new Progress(live.path("rows_read").asLong(), live.path("rows_written").asLong(), live.path("bytes_moved").asLong(),
                    live.path("estimated_rows").isIntegralNumber() ? OptionalLong.of(live.path("estimated_rows").asLong()) : OptionalLong.empty()));
        }
        progress.finished();
        // The detail's rejected rows, checkpoints and live progress are run-show's; a run's summary is the run and its
        // schema changes.
        ((ObjectNode) run).remove(List.of("rejected_rows", "checkpoints", "progress"));
        return run;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_INTERVAL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TidemarkException(ErrorCode.CANCELLED, "stopped following the run; it goes on at the server (see `tidemark runs --server …`)");
        }
    }

    @Override
    public List<JsonNode> runs(Optional<String> sync, int limit) {
        return list(client.get("/api/v1/runs?limit=" + limit + sync.map(s -> "&sync=" + query(s)).orElse("")));
    }

    @Override
    public JsonNode runDetail(long runId) { return client.get("/api/v1/runs/" + runId); }

    @Override
    public JsonNode status(String sync) { return client.get("/api/v1/syncs/" + segment(sync) + "/status"); }

    /**
     * The API checks one sync (with its connections) or one connection per call; what several calls check twice
     * (a connection two syncs share) is reported once.
     */
    @Override
    public List<JsonNode> check(List<String> syncs) {
        List<String> paths = new ArrayList<>();
        if (syncs.isEmpty()) {
            client.get("/api/v1/connections").forEach(c -> paths.add("/api/v1/connections/" + segment(c.path("name").asText()) + "/check"));
            client.get("/api/v1/syncs").forEach(s -> paths.add("/api/v1/syncs/" + segment(s.path("name").asText()) + "/check"));
        } else {
            syncs.forEach(s -> paths.add("/api/v1/syncs/" + segment(s) + "/check"));
        }
        Map<String, JsonNode> bySubject = new LinkedHashMap<>();
        for (String path : paths) client.post(path, null).forEach(item -> bySubject.putIfAbsent(item.path("subject").asText(), item));
        return List.copyOf(bySubject.values());
    }

    @Override
    public List<JsonNode> discover(String connection) {
        return list(client.post("/api/v1/connections/" + segment(connection) + "/discover", null));
    }

    @Override
    public JsonNode plan(String sync) { return client.post("/api/v1/syncs/" + segment(sync) + "/plan", null); }

    @Override
    public JsonNode testRow(String sync, List<String> key, Optional<ChangeClass> as, Map<String, String> overrides) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", key);
        as.ifPresent(c -> body.put("as", c.configName()));
        body.put("set", overrides);
        return client.post("/api/v1/syncs/" + segment(sync) + "/test-row", body);
    }

    /** The API starts a resync at once (and only then says what it risks): the risk is judged from the server's settings. */
    @Override
    public Optional<String> resyncWarning(String sync) { return SyncEngine.resyncWarning(workspace().sync(sync)); }

    @Override
    public void deleteData(String sync) { client.post("/api/v1/syncs/" + segment(sync) + "/delete-data", null); }

    @Override
    public JsonNode cancel(String sync) { return client.post("/api/v1/syncs/" + segment(sync) + "/cancel", null); }

    @Override
    public boolean setPaused(String sync, boolean paused) {
        return client.post("/api/v1/syncs/" + segment(sync) + (paused ? "/pause" : "/resume"), null).path("paused").asBoolean();
    }

    @Override
    public List<AuditEvent> audit(AuditQuery q) {
        StringBuilder path = new StringBuilder("/api/v1/audit?after_id=").append(q.afterId()).append("&limit=").append(Math.min(q.limit(), AUDIT_PAGE_MAX));
        q.target().ifPresent(t -> path.append("&target=").append(query(t)));
        q.actor().ifPresent(a -> path.append("&actor=").append(query(a)));
        q.since().ifPresent(s -> path.append("&since=").append(query(s.toString())));
        return list(client.get(path.toString())).stream().map(RemoteBackend::auditEvent).toList();
    }

    /** The API's audit event back as the store's: what {@code AuditCsv} writes, the same here as at the server. */
    private static AuditEvent auditEvent(JsonNode e) {
        Function<String, Optional<String>> json = field -> Optional.of(e.path(field)).filter(n -> !n.isMissingNode() && !n.isNull())
                .map(n -> n.isTextual() ? n.asText() : ApiJson.write(n));
        return new AuditEvent(e.path("id").asLong(), Instant.parse(e.path("at").asText()), e.path("actor").asText(), e.path("action").asText(),
                e.path("target").asText(), json.apply("before"), json.apply("after"), json.apply("detail"));
    }

    @Override
    public String exportYaml() { return client.getText("/api/v1/workspace?format=yaml"); }

    @Override
    public WorkspacePlan planWorkspace(Path source, String yaml) {
        return workspacePlan(client.send("POST", "/api/v1/workspace/plan", yaml, YAML));
    }

    @Override
    public Applied applyWorkspace(Path source, String yaml, boolean allowDestructive) {
        JsonNode applied = client.send("PUT", "/api/v1/workspace" + (allowDestructive ? "?allow_destructive=true" : ""), yaml, YAML);
        return new Applied("workspace version " + applied.path("workspace_version").asLong() + " at " + client.address(),
                list(applied.path("resync_runs")));
    }

    /** The API's plan of a workspace change back as the engine's, so one renderer shows plans from either side. */
    private static WorkspacePlan workspacePlan(JsonNode plan) {
        List<WorkspacePlan.Entry> entries = new ArrayList<>();
        for (JsonNode e : plan.path("entries")) {
            List<SettingChange> changes = new ArrayList<>();
            for (JsonNode c : e.path("changes")) {
                changes.add(new SettingChange(c.path("setting").asText(), text(c.path("before")), text(c.path("after")),
                        c.path("destructive").asBoolean(), c.path("reason").asText()));
            }
            entries.add(new WorkspacePlan.Entry(WorkspacePlan.Kind.valueOf(e.path("kind").asText().toUpperCase(Locale.ROOT)), e.path("name").asText(),
                    WorkspacePlan.Action.valueOf(e.path("action").asText().toUpperCase(Locale.ROOT)), changes));
        }
        return new WorkspacePlan(entries);
    }

    private static String text(JsonNode value) { return value.isNull() || value.isMissingNode() ? null : value.asText(); }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    @Override
    public void close() { client.close(); }
}
