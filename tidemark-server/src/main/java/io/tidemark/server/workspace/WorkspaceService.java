package io.tidemark.server.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.api.ConfigField;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.config.ConfigError;
import io.tidemark.engine.config.ConfigException;
import io.tidemark.engine.config.WorkspaceConfig;
import io.tidemark.engine.config.WorkspaceLoader;
import io.tidemark.server.api.ApiJson;
import io.tidemark.server.security.SecretCipher;
import io.tidemark.server.security.WorkspaceSecrets;
import io.tidemark.store.AuditEntry;
import io.tidemark.store.StateStore;
import io.tidemark.store.WorkspaceVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The server's workspace: the configuration document kept in the state store (versioned, shared by every node),
 * validated by the engine's {@link WorkspaceLoader}, with connection secrets sealed at rest. Each version gets its
 * own {@link SyncEngine} over the one shared store; runs started on an older version finish on it.
 */
public final class WorkspaceService {
    private static final Logger log = LoggerFactory.getLogger(WorkspaceService.class);
    /** What messages call the stored document, in place of a file name. */
    static final String ORIGIN = "workspace";
    private static final String WEBHOOK_URL = "webhook_url";

    private final StateStore store;
    private final ConnectorRegistry registry;
    private final WorkspaceSecrets secrets;
    private final Path dataDir;
    private final Clock clock;
    private final Function<String, String> environment;
    private final String owner;
    private final Predicate<String> ownerAlive;
    private final List<Consumer<Current>> listeners = new CopyOnWriteArrayList<>();
    private volatile Current current;

    /**
     * One version of the workspace.
     *
     * @param version  0 before anything was saved
     * @param document the stored document: secrets sealed, never shown as is
     */
    public record Current(long version, ObjectNode document, WorkspaceConfig config, SyncEngine engine) {
        @Override
        public String toString() { return "Current[version " + version + ", " + config + "]"; }
    }

    public WorkspaceService(StateStore store, ConnectorRegistry registry, Optional<SecretCipher> cipher, Path dataDir, Clock clock,
                            Function<String, String> environment, String owner, Predicate<String> ownerAlive) {
        this.store = store;
        this.registry = registry;
        this.secrets = new WorkspaceSecrets(WorkspaceSecrets.secretFieldsOf(type -> registry.find(type).map(io.tidemark.api.ConnectorFactory::configSpec)), cipher);
        this.dataDir = dataDir.toAbsolutePath();
        this.clock = clock;
        this.environment = environment;
        this.owner = owner;
        this.ownerAlive = ownerAlive;
        Optional<WorkspaceVersion> stored = store.latestWorkspace();
        ObjectNode document = stored.map(v -> parseDocument(v.document())).orElseGet(ApiJson.MAPPER::createObjectNode);
        if (cipher.isEmpty() && secrets.containsSealed(document)) {
            throw new TidemarkException(ErrorCode.SECRET_KEY_INVALID, "the stored workspace holds encrypted connection secrets "
                    + "but no key is configured; set TIDEMARK_SECRET_KEY (or --secret-key-file) to the key they were saved with");
        }
        this.current = build(stored.map(WorkspaceVersion::version).orElse(0L), document);
    }

    /** The connectors this server has: their types, capabilities and configuration fields. */
    public ConnectorRegistry connectors() { return registry; }

    /** The latest version this node knows; {@link #refresh} picks up versions other nodes saved. */
    public Current current() { return current; }

    /** Called with each new version, after it became current (the scheduler reconciles its executions). */
    public void onChange(Consumer<Current> listener) { listeners.add(listener); }

    /** Loads a newer version saved by another node, if any. */
    public synchronized void refresh() {
        Optional<WorkspaceVersion> latest = store.latestWorkspace();
        if (latest.isEmpty() || latest.get().version() == current.version()) return;
        become(build(latest.get().version(), parseDocument(latest.get().document())));
    }

    /**
     * Validates and saves a new version of the document made by {@code edit} from the current one (a copy);
     * secrets given in clear are sealed, {@code ********} keeps a stored secret. {@code check} sees the current and
     * the proposed configuration before anything is saved and throws to refuse (a destructive change).
     * Audited as {@code action} on {@code target}, with the changed part before and after (secrets redacted).
     *
     * @throws ConfigException every problem of the proposed document
     */
    public synchronized Current update(String actor, String action, String target, Consumer<ObjectNode> edit,
                                       BiConsumer<WorkspaceConfig, WorkspaceConfig> check, Function<ObjectNode, JsonNode> auditedPart) {
        refresh();
        Current before = current;
        ObjectNode proposed = before.document().deepCopy();
        edit.accept(proposed);
        refusePathsOutsideDataDir(proposed);
        ObjectNode sealed = seal(proposed, before.document());
        WorkspaceConfig config = parse(sealed);
        check.accept(before.config(), config);
        WorkspaceVersion saved = store.saveWorkspace(before.version(), ApiJson.write(sealed), actor);
        Current next = new Current(saved.version(), sealed, config, engine(config));
        store.appendAudit(new AuditEntry(actor, action, target,
                audited(auditedPart, before.document()), audited(auditedPart, sealed),
                Optional.of("workspace version " + saved.version())));
        become(next);
        log.info("workspace version {} saved by {} ({} {})", saved.version(), actor, action, target);
        return next;
    }

    /** The document as the API shows it: secrets replaced by {@code ********}, {@code ${ENV}} references kept. */
    public ObjectNode redacted() { return redact(current.document()); }

    /** Validates a document without saving it (for a plan). */
    public WorkspaceConfig validate(ObjectNode proposed) {
        refusePathsOutsideDataDir(proposed);
        return parse(seal(proposed, current.document()));
    }

    /**
     * Connection secrets and the webhook URL (its path or query often carries a token) are shown as
     * {@code ********}; given back as {@code ********}, the stored value stays.
     */
    private ObjectNode redact(ObjectNode document) {
        ObjectNode redacted = secrets.redact(document);
        JsonNode url = redacted.path("notifications").path(WEBHOOK_URL);
        if (url.isTextual() && !url.asText().startsWith("${")) ((ObjectNode) redacted.get("notifications")).put(WEBHOOK_URL, WorkspaceSecrets.PLACEHOLDER);
        return redacted;
    }

    private ObjectNode seal(ObjectNode proposed, ObjectNode stored) {
        ObjectNode sealed = secrets.seal(proposed, stored);
        if (WorkspaceSecrets.PLACEHOLDER.equals(sealed.path("notifications").path(WEBHOOK_URL).asText(null))) {
            JsonNode kept = stored.path("notifications").path(WEBHOOK_URL);
            if (!kept.isTextual()) {
                throw new ConfigException(List.of(new ConfigError(ORIGIN, "notifications." + WEBHOOK_URL,
                        "is " + WorkspaceSecrets.PLACEHOLDER + " but no URL is stored; give the URL or a ${ENV} reference")));
            }
            ((ObjectNode) sealed.get("notifications")).set(WEBHOOK_URL, kept);
        }
        return sealed;
    }

    /** The part of a document an audit entry keeps, redacted; empty where the part does not exist. */
    private Optional<String> audited(Function<ObjectNode, JsonNode> part, ObjectNode document) {
        return Optional.ofNullable(part.apply(redact(document))).filter(n -> !n.isMissingNode() && !n.isNull()).map(ApiJson::write);
    }

    private void become(Current next) {
        current = next;
        for (Consumer<Current> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.warn("workspace version {}: a listener failed: {}", next.version(), e.toString());
            }
        }
    }

    private Current build(long version, ObjectNode document) {
        WorkspaceConfig config = parse(document);
        return new Current(version, document, config, engine(config));
    }

    private WorkspaceConfig parse(ObjectNode sealed) {
        return new WorkspaceLoader(registry, environment).parse(dataDir.resolve(ORIGIN), secrets.unseal(sealed));
    }

    private SyncEngine engine(WorkspaceConfig config) {
        return SyncEngine.builder().workspace(config).sharedStateStore(store).registry(registry).clock(clock)
                .owner(owner, ownerAlive).trackingDir(dataDir.resolve(".tidemark").resolve("tracking")).build();
    }

    /**
     * Files a connection names (DuckDB, SQLite, CSV folders) stay inside the server's data directory: an API
     * caller must not make the server read or write anywhere else on its machine.
     */
    private void refusePathsOutsideDataDir(ObjectNode document) {
        List<ConfigError> errors = new ArrayList<>();
        JsonNode connections = document.path("connections");
        for (Iterator<Map.Entry<String, JsonNode>> it = connections.fields(); it.hasNext(); ) {
            var connection = it.next();
            String type = connection.getValue().path("type").asText("");
            registry.find(type).ifPresent(factory -> factory.configSpec().fields().stream()
                    .filter(f -> f.type() == ConfigField.Type.PATH)
                    .forEach(field -> {
                        JsonNode value = connection.getValue().get(field.name());
                        if (value == null || !value.isTextual()) return;
                        String where = "connections." + connection.getKey() + "." + field.name();
                        if (value.asText().contains("${")) {
                            errors.add(new ConfigError(ORIGIN, where, "a server takes file paths literally; give a path relative to its data directory"));
                            return;
                        }
                        Path path;
                        try {
                            path = Path.of(value.asText());
                        } catch (java.nio.file.InvalidPathException e) {
                            errors.add(new ConfigError(ORIGIN, where, "not a valid path: " + e.getReason()));
                            return;
                        }
                        Path resolved = dataDir.resolve(path).normalize();
                        if (path.isAbsolute() || !resolved.startsWith(dataDir)) {
                            errors.add(new ConfigError(ORIGIN, where, "\"" + value.asText() + "\" is outside the server's data directory; give a path relative to it, without .."));
                        } else if (resolved.startsWith(dataDir.resolve(".tidemark"))) {
                            errors.add(new ConfigError(ORIGIN, where, "\"" + value.asText() + "\" is inside the server's own state folder .tidemark; choose another path"));
                        }
                    }));
        }
        if (!errors.isEmpty()) throw new ConfigException(errors);
    }

    private static ObjectNode parseDocument(String json) {
        try {
            JsonNode node = ApiJson.MAPPER.readTree(json);
            if (node instanceof ObjectNode object) return object;
        } catch (JsonProcessingException e) {
            // fall through: a stored document is always an object; anything else is damage
        }
        throw new TidemarkException(ErrorCode.INTERNAL, "the stored workspace document is not a JSON object; restore it from an export");
    }
}
