package io.tidemark.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.config.ConfigError;
import io.tidemark.engine.config.ConfigException;
import io.tidemark.engine.config.SettingsChange;
import io.tidemark.engine.config.SettingChange;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.engine.config.WorkspacePlan;
import io.tidemark.api.ChangeClass;
import io.tidemark.server.run.RunService;
import io.tidemark.server.schedule.SyncScheduler;
import io.tidemark.server.security.ApiTokens;
import io.tidemark.server.security.Scope;
import io.tidemark.server.ui.WebUi;
import io.tidemark.server.workspace.WorkspaceService;
import io.tidemark.store.ApiToken;
import io.tidemark.store.AuditEntry;
import io.tidemark.store.AuditEvent;
import io.tidemark.store.AuditQuery;
import io.tidemark.store.RunRecord;
import io.tidemark.store.StateStore;
import io.tidemark.store.SyncRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The REST API under {@code /api/v1}: a thin layer that checks the caller's token, parses requests strictly and
 * hands them to the workspace, the run service and the engine. Every change and every operation is audited with
 * the token's name as actor. Errors are JSON: {@code {"error": {"code", "message", "field", "errors"}}}.
 */
public final class Api {
    private static final Logger log = LoggerFactory.getLogger(Api.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]{0,127}");
    /** Bodies are configuration, never data: anything bigger is a mistake or an attack. */
    public static final long MAX_BODY_BYTES = 1 << 20;
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final YAMLMapper YAML_OUT = new YAMLMapper();
    private static final String ACTOR = "tidemark.actor";
    private static final String SCOPE = "tidemark.scope";
    private static final int RUNS_LIMIT_MAX = 1000;
    private static final String RESYNC_CONSENT = "repeat the request with ?resync=true to make the change and resync, or leave it unchanged";

    /** The configuration sections the API edits one entry at a time. */
    private enum Section {
        CONNECTIONS("connections", "connection"), MODELS("models", "model"), SYNCS("syncs", "sync"), SEQUENCES("sequences", "sequence");

        final String key;
        final String singular;

        Section(String key, String singular) {
            this.key = key;
            this.singular = singular;
        }
    }

    private final WorkspaceService workspaces;
    private final RunService runs;
    private final SyncScheduler scheduler;
    private final StateStore store;
    private final Supplier<String> metrics;
    private final BooleanSupplier ready;
    private final byte[] openApi;
    private final List<String> routes = new ArrayList<>();

    public Api(WorkspaceService workspaces, RunService runs, SyncScheduler scheduler, StateStore store, Supplier<String> metrics,
               BooleanSupplier ready) {
        this.workspaces = workspaces;
        this.runs = runs;
        this.scheduler = scheduler;
        this.store = store;
        this.metrics = metrics;
        this.ready = ready;
        try (var in = Api.class.getResourceAsStream("/openapi.json")) {
            this.openApi = in.readAllBytes();
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("openapi.json is missing from the server jar", e);
        }
    }

    /** Every route as {@code METHOD path}, in the order registered (the OpenAPI test compares them). */
    public List<String> routes() { return List.copyOf(routes); }

    public Javalin create(String host, int port) {
        return Javalin.create(config -> configure(config, host, port));
    }

    private void configure(JavalinConfig config, String host, int port) {
        config.jetty.host = host;
        config.jetty.port = port;
        config.http.maxRequestSize = MAX_BODY_BYTES;
        config.startup.showJavalinBanner = false;
        config.events.handlerAdded(h -> {
            if (h.getHttpMethod().isHttpMethod()) routes.add(h.getHttpMethod().name() + " " + h.getPath());
        });
        var r = config.routes;
        r.addHttpHandler(HandlerType.BEFORE_MATCHED, "/*", this::authenticate);
        r.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage(), e.field(), List.of()));
        r.exception(ConfigException.class, (e, ctx) -> error(ctx, 400, e.errorCode().code(), "invalid configuration: fix the fields listed",
                e.errors().stream().findFirst().map(ConfigError::keyPath), e.errors()));
        r.exception(TidemarkException.class, (e, ctx) -> error(ctx, e.errorCode().httpStatus(), e.errorCode().code(), e.getMessage(), Optional.empty(), List.of()));
        r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), httpCode(e.getStatus()), httpMessage(e), Optional.empty(), List.of()));
        r.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, ErrorCode.INTERNAL.code(), "internal error: " + e.getClass().getSimpleName() + "; see the server log", Optional.empty(), List.of());
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "route_not_found", "no such endpoint: " + ctx.method() + " " + ctx.path() + "; see /api/openapi.json", Optional.empty(), List.of());
            }
        });

        WebUi.configure(config);
        r.get("/", ctx -> ctx.redirect(WebUi.HOME));
        r.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        r.get("/ready", ctx -> {
            boolean isReady = ready.getAsBoolean();
            ctx.status(isReady ? 200 : 503).json(Map.of("status", isReady ? "ready" : "starting"));
        });
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.get()), Scope.READ_ONLY);
        r.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi), Scope.READ_ONLY);
        r.get("/api/v1/session", ctx -> ctx.json(Map.of("name", actor(ctx), "scope", ctx.<Scope>attribute(SCOPE).configName())), Scope.READ_ONLY);
        r.get("/api/v1/connectors", ctx -> ctx.json(workspaces.connectors().types().stream()
                .map(type -> ApiJson.connector(workspaces.connectors().get(type))).toList()), Scope.READ_ONLY);

        for (Section section : Section.values()) {
            String base = "/api/v1/" + section.key;
            r.get(base, ctx -> ctx.json(list(section)), Scope.READ_ONLY);
            r.get(base + "/{name}", ctx -> ctx.json(one(section, name(ctx))), Scope.READ_ONLY);
            r.put(base + "/{name}", ctx -> put(ctx, section), Scope.ADMIN);
            r.delete(base + "/{name}", ctx -> delete(ctx, section), Scope.ADMIN);
        }
        r.patch("/api/v1/syncs/{name}", this::patchSync, Scope.ADMIN);
        r.get("/api/v1/syncs/{name}/status", ctx -> ctx.json(ApiJson.status(engine().status(sync(ctx)))), Scope.READ_ONLY);
        r.post("/api/v1/syncs/{name}/runs", ctx -> startRun(ctx, RunService.Kind.RUN), Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/resync", ctx -> startRun(ctx, RunService.Kind.RESYNC), Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/reset-tracking", ctx -> startRun(ctx, RunService.Kind.RESET_TRACKING), Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/recover", ctx -> startRun(ctx, RunService.Kind.RECOVER), Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/cancel", this::cancel, Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/pause", ctx -> pause(ctx, true), Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/resume", ctx -> pause(ctx, false), Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/delete-data", this::deleteData, Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/plan", ctx -> ctx.json(ApiJson.plan(engine().plan(sync(ctx)))), Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/test-row", this::testRow, Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/check", ctx -> ctx.json(engine().check(List.of(sync(ctx))).stream().map(ApiJson::check).toList()), Scope.OPERATOR);
        r.post("/api/v1/syncs/{name}/discover", ctx -> {
            String connection = workspaces.current().config().models().get(workspaces.current().config().sync(sync(ctx)).model()).connection();
            ctx.json(engine().discover(connection).stream().map(ApiJson::discovered).toList());
        }, Scope.OPERATOR);
        r.post("/api/v1/connections/{name}/check", ctx -> {
            String connection = connection(ctx);
            ctx.json(List.of(ApiJson.check(new io.tidemark.engine.CheckItem("connection " + connection, engine().checkConnection(connection)))));
        }, Scope.OPERATOR);
        r.post("/api/v1/connections/{name}/discover", ctx -> ctx.json(engine().discover(connection(ctx)).stream().map(ApiJson::discovered).toList()), Scope.OPERATOR);
        r.post("/api/v1/sequences/{name}/runs", this::startSequence, Scope.OPERATOR);
        r.get("/api/v1/sequences/{name}/runs", ctx -> ctx.json(store.sequenceRuns(Optional.of(sequence(ctx)), limit(ctx)).stream().map(ApiJson::sequenceRun).toList()), Scope.READ_ONLY);

        r.get("/api/v1/runs", ctx -> ctx.json(engine().runs(Optional.ofNullable(ctx.queryParam("sync")).map(Api::checkedName), limit(ctx))
                .stream().map(ApiJson::run).toList()), Scope.READ_ONLY);
        r.get("/api/v1/runs/{id}", this::runDetail, Scope.READ_ONLY);

        r.get("/api/v1/audit", ctx -> ctx.json(store.audit(auditQuery(ctx)).stream().map(ApiJson::audit).toList()), Scope.READ_ONLY);
        r.get("/api/v1/audit.csv", ctx -> ctx.contentType("text/csv; charset=utf-8")
                .result(AuditCsv.write(ctx.queryParam("limit") == null ? wholeAudit(auditQuery(ctx)) : store.audit(auditQuery(ctx)))), Scope.READ_ONLY);

        r.get("/api/v1/workspace", this::export, Scope.READ_ONLY);
        r.post("/api/v1/workspace/plan", ctx -> ctx.json(ApiJson.workspacePlan(plan(document(ctx)))), Scope.ADMIN);
        r.put("/api/v1/workspace", this::apply, Scope.ADMIN);

        r.get("/api/v1/tokens", ctx -> ctx.json(store.tokens().stream().map(ApiJson::token).toList()), Scope.ADMIN);
        r.post("/api/v1/tokens", this::createToken, Scope.ADMIN);
        r.delete("/api/v1/tokens/{name}", this::revokeToken, Scope.ADMIN);
    }

    // ---- authentication -------------------------------------------------------------------------------------

    private void authenticate(Context ctx) {
        Scope required = ctx.routeRoles().stream().filter(Scope.class::isInstance).map(Scope.class::cast).findFirst().orElse(null);
        if (required == null) return; // health and readiness: open, for load balancers and probes
        Optional<String> bearer = ApiTokens.bearer(ctx.header("Authorization"));
        if (bearer.isEmpty()) {
            throw new ApiException(401, ErrorCode.AUTHENTICATION_FAILED.code(),
                    "this endpoint needs an API token: send the header Authorization: Bearer <token> (create one with `tidemark token create`)", Optional.of("Authorization"));
        }
        ApiToken token = store.findActiveToken(ApiTokens.hash(bearer.get())).orElseThrow(() -> new ApiException(401,
                ErrorCode.AUTHENTICATION_FAILED.code(), "the API token is unknown or revoked; ask an admin for a valid one", Optional.of("Authorization")));
        Scope scope = Scope.fromConfigName(token.scope());
        if (!scope.allows(required)) {
            throw new ApiException(403, ErrorCode.PERMISSION_DENIED.code(), "token \"" + token.name() + "\" has scope " + scope.configName()
                    + "; " + ctx.method() + " " + ctx.path() + " needs " + required.configName(), Optional.empty());
        }
        ctx.attribute(ACTOR, token.name());
        ctx.attribute(SCOPE, scope);
    }

    private static String actor(Context ctx) { return ctx.attribute(ACTOR); }

    // ---- configuration ------------------------------------------------------------------------------------

    private List<Map<String, Object>> list(Section section) {
        List<Map<String, Object>> out = new ArrayList<>();
        JsonNode node = workspaces.redacted().path(section.key);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) out.add(entry(section, it.next(), node));
        return out;
    }

    private Map<String, Object> one(Section section, String name) {
        JsonNode node = workspaces.redacted().path(section.key);
        if (!node.has(name)) throw notFound(section, name);
        return entry(section, name, node);
    }

    private Map<String, Object> entry(Section section, String name, JsonNode sectionNode) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("settings", sectionNode.get(name));
        if (section == Section.SYNCS) {
            Optional<SyncRecord> record = store.findSync(name);
            m.put("id", record.map(SyncRecord::id).orElse(null));
            m.put("paused", engine().isPaused(name));
            m.put("running", runs.runningRun(name).map(RunRecord::id).orElse(null));
            m.put("last_run", store.runs(Optional.of(name), 1).stream().findFirst().map(ApiJson::run).orElse(null));
            m.put("next_run", scheduler.nextSyncRun(name).map(Instant::toString).orElse(null));
            SyncConfig sync = workspaces.current().config().sync(name);
            m.put("schedule", sync.schedule().describe());
            m.put("resync_warning", SyncEngine.resyncWarning(sync).orElse(null));
        } else if (section == Section.SEQUENCES) {
            m.put("next_run", scheduler.nextSequenceRun(name).map(Instant::toString).orElse(null));
            m.put("last_run", store.sequenceRuns(Optional.of(name), 1).stream().findFirst().map(ApiJson::sequenceRun).orElse(null));
        }
        return m;
    }

    private void put(Context ctx, Section section) {
        String name = name(ctx);
        ObjectNode settings = bodyObject(ctx);
        boolean resync = flag(ctx, "resync");
        boolean existed = workspaces.current().document().path(section.key).has(name);
        WorkspacePlan[] plan = new WorkspacePlan[1];
        WorkspaceService.Current saved = workspaces.update(actor(ctx), "put " + section.singular, section.singular + "/" + name,
                doc -> doc.withObject("/" + section.key).set(name, settings),
                (before, after) -> plan[0] = refuseUnsafe(before, after, resync, RESYNC_CONSENT),
                doc -> doc.path(section.key).path(name));
        Map<String, Object> response = new LinkedHashMap<>(one(section, name));
        response.put("workspace_version", saved.version());
        response.put("resync_runs", resyncChanged(ctx, plan[0], "settings change"));
        ctx.status(existed ? 200 : 201).json(response);
    }

    private void patchSync(Context ctx) {
        String name = name(ctx);
        ObjectNode patch = bodyObject(ctx);
        boolean resync = flag(ctx, "resync");
        existing(Section.SYNCS, name);
        WorkspacePlan[] plan = new WorkspacePlan[1];
        WorkspaceService.Current saved = workspaces.update(actor(ctx), "patch sync", "sync/" + name,
                doc -> {
                    ObjectNode settings = doc.withObject("/syncs").withObject("/" + name);
                    patch.properties().forEach(e -> {
                        if (e.getValue().isNull()) settings.remove(e.getKey());
                        else settings.set(e.getKey(), e.getValue());
                    });
                },
                (before, after) -> plan[0] = refuseUnsafe(before, after, resync, RESYNC_CONSENT),
                doc -> doc.path("syncs").path(name));
        Map<String, Object> response = new LinkedHashMap<>(one(Section.SYNCS, name));
        response.put("workspace_version", saved.version());
        response.put("resync_runs", resyncChanged(ctx, plan[0], "settings change"));
        ctx.json(response);
    }

    private void delete(Context ctx, Section section) {
        String name = existing(section, name(ctx));
        workspaces.update(actor(ctx), "delete " + section.singular, section.singular + "/" + name,
                doc -> ((ObjectNode) doc.get(section.key)).remove(name),
                // Deleting a sync detaches its history; that is what the caller asked for by deleting it.
                (before, after) -> refuseUnsafe(before, after, section == Section.SYNCS, RESYNC_CONSENT),
                doc -> doc.path(section.key).path(name));
        ctx.status(204);
    }

    /**
     * One rule for every configuration change (an entry's PUT, PATCH or DELETE, or a whole document applied): no
     * sync the change touches may be running, and a destructive change (the destination's data or checkpoint would
     * no longer match: see {@link SettingsChange}) needs the caller's explicit consent. Model edits count for the
     * syncs they change (a model's primary key is its syncs' key).
     *
     * @return the plan, for resyncing the destructively changed syncs once it is saved
     */
    private WorkspacePlan refuseUnsafe(WorkspaceConfig before, WorkspaceConfig after, boolean allowDestructive, String consent) {
        WorkspacePlan plan = WorkspacePlan.between(before, after);
        for (WorkspacePlan.Entry e : plan.entries()) {
            if (e.kind() == WorkspacePlan.Kind.SYNC && e.action() != WorkspacePlan.Action.CREATE) refuseWhileRunning(e.name());
        }
        List<WorkspacePlan.Entry> destructive = plan.entries().stream().filter(WorkspacePlan.Entry::destructive).toList();
        if (!destructive.isEmpty() && !allowDestructive) {
            StringBuilder why = new StringBuilder();
            Optional<String> field = Optional.empty();
            for (WorkspacePlan.Entry e : destructive) {
                for (SettingChange c : e.changes().stream().filter(SettingChange::destructive).toList()) {
                    why.append(e.kind().name().toLowerCase(Locale.ROOT)).append(" \"").append(e.name()).append("\": ").append(c.setting())
                            .append(" ").append(c.before()).append(" → ").append(c.after()).append(": ").append(c.reason()).append("; ");
                    if (field.isEmpty()) field = Optional.of(c.setting());
                }
            }
            why.append(consent);
            throw new ApiException(409, ErrorCode.DESTRUCTIVE_CHANGE.code(), why.toString(), field);
        }
        return plan;
    }

    /** After a saved change: each sync changed destructively is resynced; a sync that cannot start says why. */
    private List<Object> resyncChanged(Context ctx, WorkspacePlan plan, String why) {
        List<Object> resyncs = new ArrayList<>();
        for (WorkspacePlan.Entry e : plan.entries()) {
            if (e.kind() != WorkspacePlan.Kind.SYNC || e.action() != WorkspacePlan.Action.CHANGE || !e.destructive()) continue;
            RunService.Started started = runs.start(e.name(), RunService.Kind.RESYNC, "resync after " + why);
            if (started.alreadyRunning()) {
                throw new ApiException(409, ErrorCode.SYNC_RUNNING.code(), "the change is saved, but sync \"" + e.name()
                        + "\" started running before its resync could (run " + started.run().id() + "); cancel that run and resync it "
                        + "(POST /api/v1/syncs/" + e.name() + "/resync): until then its runs use the new settings against the old checkpoint", Optional.empty());
            }
            audit(ctx, "resync", "sync/" + e.name(), "run " + started.run().id() + " (" + why + ")");
            resyncs.add(ApiJson.run(started.run()));
        }
        return resyncs;
    }

    private void refuseWhileRunning(String sync) {
        runs.runningRun(sync).ifPresent(run -> {
            throw new ApiException(409, ErrorCode.SYNC_RUNNING.code(), "sync \"" + sync + "\" is running (run " + run.id()
                    + "); cancel it (POST /api/v1/syncs/" + sync + "/cancel) or wait for it to finish, then retry", Optional.empty());
        });
    }

    // ---- operations -----------------------------------------------------------------------------------------

    private void startRun(Context ctx, RunService.Kind kind) {
        String sync = sync(ctx);
        String action = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        Optional<String> warning = kind == RunService.Kind.RESYNC ? engine().resyncWarning(sync) : Optional.empty();
        RunService.Started started = runs.start(sync, kind, kind == RunService.Kind.RUN ? "api" : action);
        if (started.alreadyRunning() && kind != RunService.Kind.RUN) {
            throw new ApiException(409, ErrorCode.SYNC_RUNNING.code(), "sync \"" + sync + "\" is running (run " + started.run().id()
                    + "); " + action + " needs it idle: cancel the run (POST /api/v1/syncs/" + sync + "/cancel) or wait, then retry", Optional.empty());
        }
        if (!started.alreadyRunning()) audit(ctx, action, "sync/" + sync, "run " + started.run().id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("already_running", started.alreadyRunning());
        m.put("warning", warning.orElse(null));
        m.put("run", ApiJson.run(started.run()));
        ctx.status(started.alreadyRunning() ? 200 : 202).json(m);
    }

    private void cancel(Context ctx) {
        String sync = sync(ctx);
        Optional<Long> onlyRun = ctx.queryParam("run_id") == null ? Optional.empty() : Optional.of(longParam(ctx, "run_id", 0));
        RunRecord run = runs.cancel(sync, onlyRun).orElseThrow(() -> new ApiException(409, ErrorCode.CONFLICT.code(),
                "sync \"" + sync + "\" is not running" + onlyRun.map(id -> " run " + id).orElse("") + "; nothing to cancel", Optional.empty()));
        audit(ctx, "cancel", "sync/" + sync, "run " + run.id());
        ctx.status(202).json(Map.of("run", ApiJson.run(run), "message", "the run stops at its next safe point, within seconds"));
    }

    private void pause(Context ctx, boolean pause) {
        String sync = sync(ctx);
        SyncRecord record = pause ? engine().pause(sync) : engine().resume(sync);
        audit(ctx, pause ? "pause" : "resume", "sync/" + sync, null);
        ctx.json(one(Section.SYNCS, record.name()));
    }

    private void deleteData(Context ctx) {
        String sync = sync(ctx);
        refuseWhileRunning(sync);
        engine().deleteData(sync);
        audit(ctx, "delete-data", "sync/" + sync, null);
        ctx.json(Map.of("sync", sync, "message", "destination data and checkpoint deleted; the next run is a first run"));
    }

    private void testRow(Context ctx) {
        String sync = sync(ctx);
        ObjectNode body = bodyObject(ctx);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!List.of("key", "as", "set").contains(field)) {
                throw ApiException.of(ErrorCode.CONFIG_INVALID, "unknown field \"" + field + "\" (fields: key, as, set)", field);
            }
        }
        JsonNode keyNode = body.path("key");
        if (!keyNode.isArray() || keyNode.isEmpty()) {
            throw ApiException.of(ErrorCode.CONFIG_INVALID, "key: give the row's primary key values as an array of strings, e.g. [\"42\"]", "key");
        }
        List<String> key = new ArrayList<>();
        keyNode.forEach(k -> key.add(k.asText()));
        Optional<ChangeClass> as = Optional.ofNullable(body.get("as")).map(JsonNode::asText).map(Api::changeClass);
        Map<String, String> set = new LinkedHashMap<>();
        body.path("set").properties().forEach(e -> set.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        var result = engine().testRow(sync, key, as, set);
        audit(ctx, "test-row", "sync/" + sync, "key " + key);
        ctx.json(ApiJson.testRow(result));
    }

    private static ChangeClass changeClass(String text) {
        try {
            return ChangeClass.of(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.of(ErrorCode.CONFIG_INVALID, "as: one of added, changed, removed, not \"" + abbreviate(text) + "\"", "as");
        }
    }

    private void startSequence(Context ctx) {
        String sequence = sequence(ctx);
        scheduler.startSequence(sequence);
        audit(ctx, "run", "sequence/" + sequence, null);
        ctx.status(202).json(Map.of("sequence", sequence, "message", "queued; see GET /api/v1/sequences/" + sequence + "/runs"));
    }

    private void runDetail(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.of(ErrorCode.CONFIG_INVALID, "a run id is a number, not \"" + ctx.pathParam("id") + "\"", "id");
        }
        RunRecord run = engine().runRecord(id);
        ctx.json(ApiJson.runDetail(run, engine().schemaChanges(id), engine().rejections(id, 1000), store.runCheckpoints(run.syncId(), id),
                runs.progress(id)));
    }

    // ---- workspace as code, audit, tokens -----------------------------------------------------------------

    private void export(Context ctx) {
        ObjectNode document = workspaces.redacted();
        if ("yaml".equals(ctx.queryParam("format"))) {
            try {
                ctx.contentType("application/yaml").result(YAML_OUT.writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            ctx.json(document);
        }
    }

    private WorkspacePlan plan(ObjectNode document) {
        return WorkspacePlan.between(workspaces.current().config(), workspaces.validate(document));
    }

    private void apply(Context ctx) {
        ObjectNode document = document(ctx);
        boolean allowDestructive = flag(ctx, "allow_destructive");
        WorkspacePlan[] applied = new WorkspacePlan[1];
        WorkspaceService.Current saved = workspaces.current();
        if (!plan(document).isEmpty()) {
            saved = workspaces.update(actor(ctx), "apply", "workspace", doc -> {
                doc.removeAll();
                doc.setAll(document);
            }, (before, after) -> applied[0] = refuseUnsafe(before, after, allowDestructive,
                    "review the plan (tidemark apply shows it) and repeat with ?allow_destructive=true: changed syncs are resynced"),
                    doc -> doc);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("workspace_version", saved.version());
        response.put("plan", ApiJson.workspacePlan(applied[0] == null ? new WorkspacePlan(List.of()) : applied[0]));
        List<Object> resyncs = applied[0] == null ? List.of() : resyncChanged(ctx, applied[0], "apply");
        response.put("resync_runs", resyncs);
        ctx.json(response);
    }

    private AuditQuery auditQuery(Context ctx) {
        Optional<Instant> since = Optional.ofNullable(ctx.queryParam("since")).map(text -> {
            try {
                return Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.of(ErrorCode.CONFIG_INVALID, "since: an ISO-8601 instant such as 2026-11-21T00:00:00Z", "since");
            }
        });
        long afterId = longParam(ctx, "after_id", 0);
        String order = Optional.ofNullable(ctx.queryParam("order")).orElse("oldest_first");
        if (!order.equals("oldest_first") && !order.equals("newest_first")) {
            throw ApiException.of(ErrorCode.CONFIG_INVALID, "order: oldest_first or newest_first, not \"" + abbreviate(order) + "\"", "order");
        }
        return new AuditQuery(Optional.ofNullable(ctx.queryParam("target")), Optional.ofNullable(ctx.queryParam("actor")), since,
                afterId, (int) Math.min(longParam(ctx, "limit", 1000), AuditQuery.MAX_LIMIT), order.equals("newest_first"));
    }

    /** Every event the query's filters match, in its order: an export is complete, whatever its size. */
    private List<AuditEvent> wholeAudit(AuditQuery filters) {
        List<AuditEvent> all = new ArrayList<>();
        List<AuditEvent> page;
        long after = filters.afterId();
        do {
            page = store.audit(new AuditQuery(filters.target(), filters.actor(), filters.since(), after, AuditQuery.MAX_LIMIT, false));
            all.addAll(page);
            if (!page.isEmpty()) after = page.getLast().id();
        } while (page.size() == AuditQuery.MAX_LIMIT);
        return filters.newestFirst() ? all.reversed() : all;
    }

    private void createToken(Context ctx) {
        ObjectNode body = bodyObject(ctx);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!List.of("name", "scope").contains(field)) throw ApiException.of(ErrorCode.CONFIG_INVALID, "unknown field \"" + field + "\" (fields: name, scope)", field);
        }
        String name = checkedName(body.path("name").asText(""));
        Scope scope = Scope.fromConfigName(body.path("scope").asText(""));
        String token = ApiTokens.newToken();
        ApiToken created = store.createToken(name, scope.configName(), ApiTokens.hash(token));
        audit(ctx, "create token", "token/" + name, "scope " + scope.configName());
        Map<String, Object> m = new LinkedHashMap<>(ApiJson.token(created));
        m.put("token", token); // shown once: only its hash is kept
        ctx.status(201).json(m);
    }

    private void revokeToken(Context ctx) {
        String name = name(ctx);
        if (!store.revokeToken(name)) throw ApiException.of(ErrorCode.NOT_FOUND, "no active token named \"" + name + "\"", "name");
        audit(ctx, "revoke token", "token/" + name, null);
        ctx.status(204);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private void audit(Context ctx, String action, String target, String detail) {
        store.appendAudit(new AuditEntry(actor(ctx), action, target, Optional.empty(), Optional.empty(), Optional.ofNullable(detail)));
    }

    private SyncEngine engine() { return workspaces.current().engine(); }

    private String sync(Context ctx) { return existing(Section.SYNCS, name(ctx)); }

    private String sequence(Context ctx) { return existing(Section.SEQUENCES, name(ctx)); }

    private String connection(Context ctx) { return existing(Section.CONNECTIONS, name(ctx)); }

    /** The name, if the current workspace has an entry of that name in the section. */
    private String existing(Section section, String name) {
        if (!workspaces.current().document().path(section.key).has(name)) throw notFound(section, name);
        return name;
    }

    private ApiException notFound(Section section, String name) {
        return ApiException.of(ErrorCode.NOT_FOUND, "no " + section.singular + " named \"" + name + "\" (" + section.key + ": "
                + String.join(", ", iterable(workspaces.current().document().path(section.key).fieldNames())) + ")", "name");
    }

    private static Iterable<String> iterable(Iterator<String> it) { return () -> it; }

    private static String name(Context ctx) { return checkedName(ctx.pathParam("name")); }

    /** Names are identifiers: anything else (quotes, slashes, dots) is refused before it reaches SQL or a path. */
    static String checkedName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw ApiException.of(ErrorCode.CONFIG_INVALID, "invalid name \"" + abbreviate(name) + "\": names use letters, digits, _ and -, "
                    + "start with a letter or _, and have at most 128 characters", "name");
        }
        return name;
    }

    private static String abbreviate(String text) { return text.length() > 60 ? text.substring(0, 60) + "…" : text; }

    private static boolean flag(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.equals("false")) return false;
        if (value.equals("true") || value.isEmpty()) return true;
        throw ApiException.of(ErrorCode.CONFIG_INVALID, name + ": true or false, not \"" + abbreviate(value) + "\"", name);
    }

    private static int limit(Context ctx) {
        return (int) Math.min(longParam(ctx, "limit", 50), RUNS_LIMIT_MAX);
    }

    private static long longParam(Context ctx, String name, long fallback) {
        String value = ctx.queryParam(name);
        if (value == null) return fallback;
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0 || (name.equals("limit") && parsed == 0)) throw new NumberFormatException();
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.of(ErrorCode.CONFIG_INVALID, name + ": a " + (name.equals("limit") ? "positive" : "non-negative")
                    + " whole number, not \"" + abbreviate(value) + "\"", name);
        }
    }

    /** The request body as a JSON object; duplicate keys, other JSON values and malformed text are refused. */
    private static ObjectNode bodyObject(Context ctx) {
        JsonNode node;
        try {
            node = STRICT_JSON.readTree(ctx.bodyAsBytes());
        } catch (java.io.IOException e) {
            throw new ApiException(400, "invalid_json", "the request body is not valid JSON: " + originalMessage(e), Optional.of("body"));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ApiException(400, "invalid_json", "the request body must be a JSON object", Optional.of("body"));
        }
        return object;
    }

    /** A whole workspace document: JSON, or YAML when the content type says so. */
    private static ObjectNode document(Context ctx) {
        String type = Optional.ofNullable(ctx.contentType()).orElse("");
        if (!type.contains("yaml")) return bodyObject(ctx);
        try {
            JsonNode node = YAML.readTree(ctx.bodyAsBytes());
            if (node instanceof ObjectNode object) return object;
            throw new ApiException(400, "invalid_yaml", "the workspace document must be a mapping with connections, models and syncs", Optional.of("body"));
        } catch (java.io.IOException e) {
            throw new ApiException(400, "invalid_yaml", "the request body is not valid YAML: " + originalMessage(e), Optional.of("body"));
        }
    }

    private static String originalMessage(java.io.IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    private static String httpCode(int status) {
        return switch (status) {
            case 404 -> "route_not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            default -> "http_" + status;
        };
    }

    private static String httpMessage(HttpResponseException e) {
        return e.getStatus() == 413 ? "the request body is larger than " + (MAX_BODY_BYTES >> 10) + " KiB; send configuration, not data" : e.getMessage();
    }

    private static void error(Context ctx, int status, String code, String message, Optional<String> field, List<ConfigError> errors) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("field", field.orElse(null));
        if (!errors.isEmpty()) {
            error.put("errors", errors.stream().map(e -> Map.of("field", e.keyPath(), "message", e.message())).toList());
        }
        ctx.status(status).json(Map.of("error", error));
    }
}
