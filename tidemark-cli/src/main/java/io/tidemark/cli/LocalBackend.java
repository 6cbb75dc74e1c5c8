package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.engine.RunControl;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.engine.config.WorkspacePlan;
import io.tidemark.api.ChangeClass;
import io.tidemark.server.api.ApiJson;
import io.tidemark.store.AuditEvent;
import io.tidemark.store.AuditQuery;
import io.tidemark.store.RunRecord;
import io.tidemark.store.StateStore;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine in this process, on a workspace file and its state store. The engine is opened on first use, so
 * {@code export} and {@code apply} work on a file that does not load (yet) or does not exist.
 */
final class LocalBackend implements Backend {
    /** Enough to see what went wrong; the rest stay in the state store (as the API shows). */
    private static final int REJECTIONS_SHOWN = 1_000;

    private final Path file;
    private final String stateStoreUrl;
    private final Clock clock = Clock.systemUTC();
    private SyncEngine engine;
    private StateStore store;

    /** @param stateStoreUrl the state store; null for the workspace's {@code state_store}, else SQLite beside the file */
    LocalBackend(Path file, String stateStoreUrl) {
        this.file = file;
        this.stateStoreUrl = stateStoreUrl;
    }

    private SyncEngine engine() {
        if (engine == null) {
            ConnectorRegistry registry = ConnectorRegistry.load();
            WorkspaceConfig workspace = new WorkspaceLoader(registry, System::getenv).load(file);
            String url = stateStoreUrl != null ? stateStoreUrl : workspace.stateStoreUrl().orElse(null);
            store = url == null ? StateStore.defaultSqlite(workspace.directory(), clock) : StateStore.open(url, null, null, clock);
            engine = SyncEngine.builder().workspace(workspace).stateStore(store).registry(registry).clock(clock).build();
        }
        return engine;
    }

    @Override
    public WorkspaceConfig workspace() { return engine().workspace(); }

    @Override
    public String location() { return file.toString(); }

    @Override
    public Map<String, Boolean> pausedBySync() {
        Map<String, Boolean> paused = new LinkedHashMap<>();
        for (String sync : workspace().syncs().keySet()) paused.put(sync, engine().isPaused(sync));
        return paused;
    }

    @Override
    public JsonNode run(String sync, Operation operation, ProgressPrinter progress) {
        RunRecord run = switch (operation) {
            case RUN -> engine().run(sync, "manual", progress);
            case RESYNC -> engine().resync(sync, progress);
            case RESET_TRACKING -> engine().resetTracking(sync, progress);
            case RECOVER -> engine().recover(sync, "recover", progress);
        };
        return finished(run);
    }

    /** A run under {@code control}, which a stop signal uses to end a following cdc run: only in this process. */
    JsonNode run(String sync, ProgressPrinter progress, RunControl control) {
        return finished(engine().run(sync, "manual", progress, control));
    }

    private JsonNode finished(RunRecord run) { return tree(ApiJson.run(run, engine().schemaChanges(run.id()))); }

    @Override
    public List<JsonNode> runs(Optional<String> sync, int limit) {
        return engine().runs(sync, limit).stream().map(r -> tree(ApiJson.run(r))).toList();
    }

    @Override
    public JsonNode runDetail(long runId) {
        RunRecord run = engine().runRecord(runId);
        return tree(ApiJson.runDetail(run, engine().schemaChanges(runId), engine().rejections(runId, REJECTIONS_SHOWN),
                engine().runCheckpoints(runId), Optional.empty()));
    }

    @Override
    public JsonNode status(String sync) { return tree(ApiJson.status(engine().status(sync))); }

    @Override
    public List<JsonNode> check(List<String> syncs) {
        return engine().check(syncs).stream().map(item -> tree(ApiJson.check(item))).toList();
    }

    @Override
    public List<JsonNode> discover(String connection) {
        return engine().discover(connection).stream().map(s -> tree(ApiJson.discovered(s))).toList();
    }

    @Override
    public JsonNode plan(String sync) {
        return tree(ApiJson.plan(engine().plan(sync)));
    }

    @Override
    public JsonNode testRow(String sync, List<String> key, Optional<ChangeClass> as, Map<String, String> overrides) {
        return tree(ApiJson.testRow(engine().testRow(sync, key, as, overrides)));
    }

    @Override
    public Optional<String> resyncWarning(String sync) { return engine().resyncWarning(sync); }

    @Override
    public void deleteData(String sync) { engine().deleteData(sync); }

    @Override
    public JsonNode cancel(String sync) {
        engine().workspace().sync(sync); // an unknown name is named as such
        throw new TidemarkException(ErrorCode.UNSUPPORTED, "cancel stops a run on a server: give --server URL; a local run "
                + "stops with Ctrl-C in the terminal it runs in (what it has not committed rolls back)");
    }

    @Override
    public boolean setPaused(String sync, boolean paused) {
        if (paused) engine().pause(sync);
        else engine().resume(sync);
        return engine().isPaused(sync);
    }

    @Override
    public List<AuditEvent> audit(AuditQuery query) {
        engine();
        return store.audit(query);
    }

    @Override
    public String exportYaml() { return WorkspaceYaml.normalise(file, read(file)); }

    @Override
    public WorkspacePlan planWorkspace(Path source, String yaml) {
        WorkspaceConfig current = Files.exists(file) ? WorkspaceYaml.parseAsWritten(file, WorkspaceYaml.read(file, read(file)))
                : new WorkspaceConfig(file, Map.of(), Map.of(), Map.of(), Optional.empty(), Map.of(), Optional.empty());
        // Relative paths in the new content will be read beside the workspace file, so they are resolved there.
        Path origin = file.toAbsolutePath().resolveSibling(source.getFileName());
        return WorkspacePlan.between(current, WorkspaceYaml.parseAsWritten(origin, WorkspaceYaml.read(source, yaml)));
    }

    @Override
    public Applied applyWorkspace(Path source, String yaml, boolean allowDestructive) {
        WorkspacePlan plan = planWorkspace(source, yaml);
        if (plan.destructive() && !allowDestructive) {
            throw new TidemarkException(ErrorCode.DESTRUCTIVE_CHANGE, "applying " + source + " changes syncs destructively; "
                    + "review the plan (tidemark apply shows it) and confirm it");
        }
        write(yaml);
        return new Applied(file.toString(), List.of());
    }

    /** Written beside it and moved over it: a reader sees the old file or the new one, never half of it. */
    private void write(String yaml) {
        Path target = file.toAbsolutePath();
        try {
            Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(temp, yaml);
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new TidemarkException(ErrorCode.IO_ERROR, "cannot write workspace file " + file + " (" + e.getMessage()
                    + "); check that its folder exists and is writable", e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "workspace file " + path + " not found; create it or pass -f PATH");
        } catch (IOException e) {
            throw new TidemarkException(ErrorCode.IO_ERROR, "cannot read " + path + " (" + e.getMessage() + ")", e);
        }
    }

    private static JsonNode tree(Object value) { return ApiJson.MAPPER.valueToTree(value); }

    @Override
    public void close() {
        if (engine != null) engine.close();
    }
}
