package io.tidemark.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tidemark.api.Capability;
import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.StreamId;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.ConnectorRegistry;
import io.tidemark.engine.mapping.FieldMapping;
import io.tidemark.engine.mapping.FieldMappingSyntax;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code tidemark.yaml} and validates it at the edge: every error is collected, each naming the file, the key
 * path and what to do, and reported at once. {@code ${ENV}} references are resolved here; resolved secrets live
 * only inside {@link ConnectorConfig}, whose {@code toString} redacts them.
 */
public final class WorkspaceLoader {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** A name of a connection, model, sync, sequence or migration. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]*");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb)");
    /** A cdc sync pauses before its slot keeps more log than this at the source, unless the workspace says otherwise. */
    public static final long DEFAULT_MAX_SLOT_LAG = 10L << 30;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|sec|min|h|hour|d|day)s?");
    private static final Set<String> MODEL_KEYS = Set.of("connection", "table", "query", "primary_key");
    private static final Set<String> SYNC_KEYS = Set.of("model", "destination", "table", "sync_type", "cursor_field",
            "cursor_type", "mode", "primary_key", "batch_size", "enabled", "cursor_lookback", "delete_behavior", "field_mapping",
            "record_matching", "cdc_table_mode", "max_slot_lag", "schedule", "schema_policy");
    private static final Set<String> SEQUENCE_KEYS = Set.of("syncs", "schedule");
    private static final Set<String> NOTIFICATION_KEYS = Set.of("webhook_url", "on_recovery");
    private static final String SYNC_LOGS = "sync_logs";
    private static final int DEFAULT_BATCH_SIZE = 10_000;

    private final ConnectorRegistry registry;
    private final Function<String, String> environment;

    public WorkspaceLoader(ConnectorRegistry registry, Function<String, String> environment) {
        this.registry = registry;
        this.environment = environment;
    }

    public WorkspaceConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "workspace file " + file + " not found; "
                    + "create it (see docs/configuration.md) or pass -f PATH");
        } catch (IOException e) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, "cannot read workspace file " + file + ": " + e.getMessage());
        }
        return parse(file, text);
    }

    /** Parses and validates workspace YAML; {@code file} names it in messages and is the base of relative paths. */
    public WorkspaceConfig parse(Path file, String yaml) {
        JsonNode root;
        try {
            // A repeated key (two syncs of one name, table: given twice) is an error, not "last one wins".
            root = new ObjectMapper(YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
                    .readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(new ConfigError(file.toString(), location(e), "not valid YAML: " + e.getOriginalMessage())));
        }
        return parse(file, root);
    }

    /**
     * Validates a workspace given as a tree (YAML or JSON, same structure), e.g. as kept in a server's state store.
     * {@code file} names it in messages and is the base directory of relative paths.
     *
     * @throws ConfigException with every problem found
     */
    public WorkspaceConfig parse(Path file, JsonNode tree) {
        JsonNode root = tree == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : tree;
        return new Validation(file, root, file.toAbsolutePath().getParent()).run();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "(file)" : "line " + e.getLocation().getLineNr();
    }

    /**
     * One validation pass; collects errors instead of stopping at the first. It validates the document with its
     * {@code migrations:} expanded ({@link MigrationPreset}), so generated entries are checked like written ones.
     */
    private final class Validation {
        private final Path file;
        private final JsonNode root;
        private final MigrationPreset.Expansion expansion;
        private final Path directory;
        private final List<ConfigError> errors = new ArrayList<>();

        Validation(Path file, JsonNode document, Path directory) {
            this.file = file;
            this.directory = directory;
            this.expansion = MigrationPreset.expand(document, registry, (path, message) -> errors.add(new ConfigError(file.toString(), path, message)));
            this.root = expansion.workspace();
        }

        WorkspaceConfig run() {
            if (!root.isObject()) {
                error("(top level)", "expected a mapping with connections, models and syncs");
                throw new ConfigException(errors);
            }
            unknownKeys(root, "", Set.of("connections", "models", "syncs", "sequences", MigrationPreset.SECTION, "notifications", "state_store"));
            Map<String, ConnectionConfig> connections = new LinkedHashMap<>();
            forEachEntry("connections", (name, node) -> connection(name, node).ifPresent(c -> connections.put(name, c)));
            Map<String, ModelConfig> models = new LinkedHashMap<>();
            forEachEntry("models", (name, node) -> model(name, node, connections.keySet()).ifPresent(m -> models.put(name, m)));
            Map<String, SyncConfig> syncs = new LinkedHashMap<>();
            forEachEntry("syncs", (name, node) -> sync(name, node, models, connections.keySet()).ifPresent(s -> syncs.put(name, s)));
            checkCapabilities(connections, models, syncs);
            checkAfterSchedules(syncs);
            Map<String, SequenceConfig> sequences = new LinkedHashMap<>();
            forEachEntry("sequences", (name, node) -> sequence(name, node, syncs.keySet()).ifPresent(s -> sequences.put(name, s)));
            Optional<NotificationConfig> notifications = notifications();
            Optional<String> stateStore = optionalText(root, "state_store", "state_store").map(v -> resolve(v, "state_store", false));
            if (!errors.isEmpty()) throw new ConfigException(errors);
            return new WorkspaceConfig(file, connections, models, syncs, stateStore, sequences, notifications);
        }

        /** Syncs that run after another: the other exists, is not the sync itself, and no chain comes back to its start. */
        private void checkAfterSchedules(Map<String, SyncConfig> syncs) {
            Map<String, String> after = new LinkedHashMap<>();
            syncs.forEach((name, sync) -> {
                if (!(sync.schedule() instanceof Schedule.After(String other))) return;
                String path = "syncs." + name + ".schedule.after";
                if (other.equals(name)) {
                    error(path, "a sync cannot run after itself; name another sync or use an interval");
                } else if (!syncs.containsKey(other)) {
                    // A sync with errors of its own is reported there; naming it is not a second mistake.
                    if (!root.path("syncs").has(other)) {
                        error(path, "no sync named \"" + other + "\"; defined: " + String.join(", ", syncs.keySet()));
                    }
                } else {
                    after.put(name, other);
                }
            });
            // Each sync waits for at most one other: follow each chain once; coming back onto it is a cycle.
            java.util.Set<String> visited = new java.util.HashSet<>();
            for (String start : after.keySet()) {
                List<String> chain = new ArrayList<>();
                String at = start;
                while (at != null && !chain.contains(at) && !visited.contains(at)) {
                    chain.add(at);
                    at = after.get(at);
                }
                if (at != null && chain.contains(at)) {
                    List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(at), chain.size()));
                    cycle.add(at);
                    error("syncs." + at + ".schedule.after", "syncs wait for each other in a cycle (" + String.join(" → ", cycle)
                            + "), so none of them would ever run; give one of them a time schedule or manual");
                }
                visited.addAll(chain);
            }
        }

        private Optional<SequenceConfig> sequence(String name, JsonNode node, Set<String> syncs) {
            String path = "sequences." + name;
            int errorsBefore = errors.size();
            unknownKeys(node, path, SEQUENCE_KEYS);
            JsonNode list = node.get("syncs");
            List<String> members = new ArrayList<>();
            if (list == null || list.isNull()) {
                error(path + ".syncs", "required; list the syncs to run in order, e.g. [orders_to_wh, customers_to_wh]");
            } else if (!list.isArray() || list.isEmpty()) {
                error(path + ".syncs", "expected a non-empty list of sync names, e.g. [orders_to_wh, customers_to_wh]");
            } else {
                for (int i = 0; i < list.size(); i++) {
                    String member = list.get(i).asText();
                    if (!list.get(i).isTextual() || member.isBlank()) {
                        error(path + ".syncs[" + i + "]", "expected a sync name");
                    } else if (members.contains(member)) {
                        error(path + ".syncs[" + i + "]", "sync " + member + " is listed twice; a sequence runs each sync once");
                    } else {
                        if (!syncs.contains(member) && !root.path("syncs").has(member)) {
                            error(path + ".syncs[" + i + "]", "no sync named \"" + member + "\"; defined: " + String.join(", ", syncs));
                        }
                        members.add(member);
                    }
                }
            }
            Optional<Schedule> schedule = ScheduleSyntax.read(node.get("schedule"), path + ".schedule", false, this::error);
            if (errors.size() > errorsBefore) return Optional.empty();
            return Optional.of(new SequenceConfig(name, members, schedule.orElseThrow()));
        }

        private Optional<NotificationConfig> notifications() {
            JsonNode node = root.get("notifications");
            if (node == null || node.isNull()) return Optional.empty();
            if (!node.isObject()) {
                error("notifications", "expected a mapping such as { webhook_url: \"https://hooks.example.com/…\", on_recovery: true }");
                return Optional.empty();
            }
            int errorsBefore = errors.size();
            unknownKeys(node, "notifications", NOTIFICATION_KEYS);
            Optional<String> url = requiredText(node, "webhook_url", "notifications.webhook_url",
                    "the http or https URL that receives a POST for each failed run")
                    .map(v -> resolve(v, "notifications.webhook_url", true));
            boolean onRecovery = node.has("on_recovery") && booleanValue(node, "on_recovery", "notifications");
            Optional<NotificationConfig> notifications = url.flatMap(u -> {
                try {
                    return Optional.of(new NotificationConfig(new java.net.URI(u.trim()), onRecovery));
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    // The value itself is not repeated: a webhook URL may carry a token.
                    error("notifications.webhook_url", "expected an absolute http or https URL such as https://hooks.example.com/services/…");
                    return Optional.empty();
                }
            });
            return errors.size() > errorsBefore ? Optional.empty() : notifications;
        }

        private void forEachEntry(String section, java.util.function.BiConsumer<String, JsonNode> each) {
            JsonNode node = root.get(section);
            if (node == null || node.isNull()) return;
            if (!node.isObject()) {
                error(section, "expected a mapping of names to definitions");
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var entry = it.next();
                if (!NAME.matcher(entry.getKey()).matches()) {
                    error(section + "." + entry.getKey(), "names use letters, digits, _ and -, starting with a letter or _");
                } else if (!entry.getValue().isObject()) {
                    error(section + "." + entry.getKey(), "expected a mapping of settings");
                } else {
                    each.accept(entry.getKey(), entry.getValue());
                }
            }
        }

        private Optional<ConnectionConfig> connection(String name, JsonNode node) {
            String path = "connections." + name;
            Optional<String> type = requiredText(node, "type", path + ".type", "set type to one of: " + String.join(", ", registry.types()));
            if (type.isEmpty()) return Optional.empty();
            Optional<ConnectorFactory> factory = registry.find(type.get());
            if (factory.isEmpty()) {
                error(path + ".type", "unknown connector type \"" + type.get() + "\"; use one of: " + String.join(", ", registry.types()));
                return Optional.empty();
            }
            ConfigSpec spec = factory.get().configSpec();
            Map<String, String> values = new LinkedHashMap<>();
            int errorsBefore = errors.size();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var entry = it.next();
                String key = entry.getKey();
                if (key.equals("type") || key.equals(SYNC_LOGS)) continue;
                Optional<ConfigField> field = spec.field(key);
                if (field.isEmpty()) {
                    error(path + "." + key, "unknown setting for a " + type.get() + " connection; known: "
                            + spec.fields().stream().map(ConfigField::name).collect(Collectors.joining(", ")));
                    continue;
                }
                if (field.get().type() == ConfigField.Type.OBJECT) {
                    if (!entry.getValue().isContainerNode()) {
                        error(path + "." + key, "expected a mapping or a list (" + describe(field.get()) + ")");
                    } else {
                        checkedObject(entry.getValue(), path + "." + key).ifPresent(json -> values.put(key, json));
                    }
                    continue;
                }
                if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                    error(path + "." + key, "expected a single value");
                    continue;
                }
                String resolved = resolve(entry.getValue().asText(), path + "." + key, field.get().secret());
                if (resolved != null && validValue(field.get(), resolved, path + "." + key)) values.put(key, resolved);
            }
            for (ConfigField field : spec.fields()) {
                if (values.containsKey(field.name()) || node.has(field.name())) continue;
                if (field.defaultValue() != null) values.put(field.name(), field.defaultValue());
                else if (field.required()) error(path + "." + field.name(), "required; " + describe(field));
            }
            for (ConfigField field : spec.fields()) {
                if (field.type() == ConfigField.Type.PATH && values.containsKey(field.name())) {
                    values.put(field.name(), directory.resolve(values.get(field.name())).normalize().toString());
                }
            }
            boolean syncLogs = node.has(SYNC_LOGS) && booleanValue(node, SYNC_LOGS, path);
            if (syncLogs && !factory.get().capabilities().containsAll(java.util.Set.of(Capability.UPSERT, Capability.TABLE_WRITES))) {
                error(path + "." + SYNC_LOGS, "a " + type.get() + " connection cannot hold the sync-log tables (it holds no tables "
                        + "it can upsert into); remove sync_logs");
            }
            if (errors.size() > errorsBefore) return Optional.empty();
            ConnectorConfig config = new ConnectorConfig(name, spec, values);
            factory.get().validate(config).forEach(e -> error(path + "." + e.setting(), e.message()));
            if (errors.size() > errorsBefore) return Optional.empty();
            return Optional.of(new ConnectionConfig(name, type.get(), config, syncLogs));
        }

        private String describe(ConfigField field) {
            String what = field.description() == null ? "" : field.description();
            return field.secret() ? what + " (a secret: reference it as \"${ENV_VAR}\")" : what;
        }

        private boolean validValue(ConfigField field, String value, String path) {
            switch (field.type()) {
                case INTEGER -> {
                    try {
                        Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        error(path, "expected a whole number, got \"" + value + "\"");
                        return false;
                    }
                }
                case BOOLEAN -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        error(path, "expected true or false, got \"" + value + "\"");
                        return false;
                    }
                }
                default -> { }
            }
            return true;
        }

        /**
         * An object field as JSON text. {@code ${ENV}} references are refused inside it: a value resolved there would
         * not be known as a secret, so it could be shown where requests are shown; secrets belong in the connector's
         * secret fields, which its templates reference.
         */
        private Optional<String> checkedObject(JsonNode value, String path) {
            int errorsBefore = errors.size();
            refuseReferences(value, path);
            return errors.size() > errorsBefore ? Optional.empty() : Optional.of(value.toString());
        }

        private void refuseReferences(JsonNode node, String path) {
            if (node.isTextual() && ENV_REF.matcher(node.asText()).find()) {
                error(path, "environment references are not read inside this setting (they would not be masked as secrets); "
                        + "put the secret in one of the connection's secret fields and reference it from here as the connector's "
                        + "docs say (e.g. {{secret.api_key}})");
            } else if (node.isObject()) {
                node.properties().forEach(e -> refuseReferences(e.getValue(), path + "." + e.getKey()));
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) refuseReferences(node.get(i), path + "[" + i + "]");
            }
        }

        /** Replaces {@code ${ENV}} references; a missing variable is an error (the value itself is never shown). */
        private String resolve(String raw, String path, boolean secret) {
            Matcher m = ENV_REF.matcher(raw);
            StringBuilder out = new StringBuilder();
            boolean ok = true;
            while (m.find()) {
                String value = environment.apply(m.group(1));
                if (value == null) {
                    error(path, "environment variable " + m.group(1) + " is not set; export it before running"
                            + (secret ? " (secrets are read from the environment and never written to files or logs)" : ""));
                    ok = false;
                    value = "";
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return ok ? out.toString() : null;
        }

        private Optional<ModelConfig> model(String name, JsonNode node, Set<String> connections) {
            String path = "models." + name;
            unknownKeys(node, path, MODEL_KEYS);
            Optional<String> connection = requiredText(node, "connection", path + ".connection", "name the source connection");
            connection.filter(c -> !connections.contains(c) && !knownButInvalidConnection(c)).ifPresent(c ->
                    error(path + ".connection", "no connection named \"" + c + "\"; defined: " + String.join(", ", connections)));
            Optional<String> table = optionalText(node, "table", path + ".table");
            Optional<String> query = optionalText(node, "query", path + ".query");
            if (table.isPresent() == query.isPresent()) {
                error(path, "set exactly one of table (schema.table) and query (a SQL select)");
            }
            List<String> primaryKey = stringList(node, "primary_key", path + ".primary_key");
            if (connection.isEmpty() || table.isPresent() == query.isPresent()) return Optional.empty();
            ModelSpec spec = table.map(t -> ModelSpec.table(name, StreamId.parse(t), primaryKey))
                    .orElseGet(() -> ModelSpec.query(name, query.get(), primaryKey));
            return Optional.of(new ModelConfig(connection.get(), spec));
        }

        private boolean knownButInvalidConnection(String name) {
            JsonNode c = root.path("connections").get(name);
            return c != null;
        }

        private Optional<SyncConfig> sync(String name, JsonNode node, Map<String, ModelConfig> models, Set<String> connections) {
            String path = "syncs." + name;
            int errorsBefore = errors.size();
            unknownKeys(node, path, SYNC_KEYS);
            Optional<String> model = requiredText(node, "model", path + ".model", "name the model to sync");
            model.filter(m -> !models.containsKey(m) && !root.path("models").has(m)).ifPresent(m ->
                    error(path + ".model", "no model named \"" + m + "\"; defined: " + String.join(", ", models.keySet())));
            Optional<String> destination = requiredText(node, "destination", path + ".destination", "name the destination connection");
            destination.filter(d -> !connections.contains(d) && !knownButInvalidConnection(d)).ifPresent(d ->
                    error(path + ".destination", "no connection named \"" + d + "\"; defined: " + String.join(", ", connections)));
            Optional<String> table = requiredText(node, "table", path + ".table", "name the destination table");
            SyncType syncType = enumValue(node, "sync_type", path, SyncType.class, SyncType.FULL_REFRESH);
            if (syncType == SyncType.WEBHOOK) {
                error(path + ".sync_type", syncType.configName() + " is not available in this version; use full_refresh, incremental, append, diff or cdc");
            }
            Optional<String> cursorField = optionalText(node, "cursor_field", path + ".cursor_field");
            CursorType cursorType = enumValue(node, "cursor_type", path, CursorType.class, null);
            ApplyMode mode = enumValue(node, "mode", path, ApplyMode.class,
                    syncType == SyncType.APPEND ? ApplyMode.INSERT : ApplyMode.UPSERT);
            List<String> primaryKey = stringList(node, "primary_key", path + ".primary_key");
            if (primaryKey.isEmpty() && model.isPresent() && models.containsKey(model.get())) {
                primaryKey = models.get(model.get()).spec().primaryKey();
            }
            int batchSize = intValue(node, "batch_size", path, DEFAULT_BATCH_SIZE, 1, 1_000_000);
            boolean enabled = !node.has("enabled") || booleanValue(node, "enabled", path);
            Optional<Lookback> lookback = optionalText(node, "cursor_lookback", path + ".cursor_lookback")
                    .flatMap(v -> lookback(v, path + ".cursor_lookback"));
            Optional<Schedule> schedule = ScheduleSyntax.read(node.get("schedule"), path + ".schedule", true, this::error);

            if (syncType != null && syncType.usesCursor()) {
                if (cursorField.isEmpty()) error(path + ".cursor_field", "required for sync_type " + syncType.configName()
                        + "; name a column that grows when a row changes (e.g. updated_at)");
                if (cursorType == null && !node.has("cursor_type")) error(path + ".cursor_type", "required for sync_type "
                        + syncType.configName() + "; one of " + names(CursorType.class));
            } else if (syncType != null) {
                for (String key : List.of("cursor_field", "cursor_type", "cursor_lookback")) {
                    if (node.has(key)) error(path + "." + key, "only used by incremental and append syncs; remove it or change sync_type");
                }
            }
            if (cursorType != null && lookback.isPresent()) {
                boolean temporal = cursorType != CursorType.INTEGER && cursorType != CursorType.NUMERIC;
                if (temporal != (lookback.get() instanceof Lookback.Span)) {
                    error(path + ".cursor_lookback", temporal ? "a " + cursorType.configName() + " cursor needs a duration such as 5min"
                            : "a " + cursorType.configName() + " cursor needs a number such as 1000");
                } else if (cursorType == CursorType.INTEGER && lookback.get() instanceof Lookback.Amount(BigDecimal a)
                        && a.stripTrailingZeros().scale() > 0) {
                    error(path + ".cursor_lookback", "an integer cursor needs a whole number");
                }
            }
            if (syncType == SyncType.INCREMENTAL) {
                if (primaryKey.isEmpty()) error(path + ".primary_key", "incremental syncs upsert by primary key; set "
                        + "primary_key on the sync or its model (or use sync_type append for insert-only history)");
                if (mode != null && mode != ApplyMode.UPSERT) error(path + ".mode", "incremental syncs apply changes as "
                        + "upsert; mode " + mode.configName() + " needs change tracking (sync_type diff)");
            }
            if (syncType == SyncType.APPEND) {
                if (mode != null && mode != ApplyMode.INSERT) error(path + ".mode", "append syncs only insert; remove mode or set it to insert");
                if (primaryKey.isEmpty()) error(path + ".primary_key", "append syncs skip row versions they already hold "
                        + "(same primary key and cursor value), so reruns never duplicate history; set primary_key on the sync or its model");
            }
            DeleteBehavior deleteBehavior = enumValue(node, "delete_behavior", path, DeleteBehavior.class,
                    mode == ApplyMode.MIRROR ? DeleteBehavior.DELETE : DeleteBehavior.NOTHING);
            FieldMapping fieldMapping = FieldMappingSyntax.read(node.get("field_mapping"), path + ".field_mapping", this::error);
            Map<String, String> recordMatching = stringMap(node, "record_matching", path);
            if (syncType == SyncType.DIFF) {
                if (primaryKey.isEmpty()) error(path + ".primary_key", "diff syncs compare runs by primary key; set "
                        + "primary_key on the sync or its model");
                if (deleteBehavior != null && deleteBehavior != DeleteBehavior.NOTHING && mode != null
                        && mode != ApplyMode.MIRROR && mode != ApplyMode.UPDATE) {
                    error(path + ".delete_behavior", "mode " + mode.configName() + " never applies removals; use mode mirror "
                            + "(upsert plus delete_behavior) or update, or remove delete_behavior");
                }
                // The fields that find destination records are sent as they are; removals send the model's values.
                for (String column : recordMatching.isEmpty() ? primaryKey : List.copyOf(recordMatching.keySet())) {
                    fieldMapping.matchingProblem(column).ifPresent(problem -> error(path + ".field_mapping." + column, problem));
                }
            } else {
                for (String key : List.of("delete_behavior", "field_mapping", "record_matching")) {
                    if (node.has(key)) error(path + "." + key, "only used by diff syncs in this version; remove it or set sync_type: diff");
                }
            }
            CdcTableMode cdcTableMode = enumValue(node, "cdc_table_mode", path, CdcTableMode.class, CdcTableMode.CONSOLIDATED);
            long maxSlotLag = optionalText(node, "max_slot_lag", path + ".max_slot_lag").map(v -> size(v, path + ".max_slot_lag"))
                    .orElse(DEFAULT_MAX_SLOT_LAG);
            if (syncType == SyncType.CDC) {
                if (node.has("mode")) error(path + ".mode", "cdc syncs apply the source's own inserts, updates and deletes; remove mode "
                        + "(cdc_table_mode chooses between a mirror table and a change log)");
                model.map(models::get).filter(m -> m.spec().isQuery()).ifPresent(m -> error(path + ".model", "cdc syncs capture a "
                        + "table's change log, and model " + model.get() + " is a query; use a table model (or sync_type diff for a query)"));
            } else {
                for (String key : List.of("cdc_table_mode", "max_slot_lag")) {
                    if (node.has(key)) error(path + "." + key, "only used by cdc syncs; remove it or set sync_type: cdc");
                }
            }
            if (syncType == SyncType.FULL_REFRESH && node.has("mode")) {
                error(path + ".mode", "full_refresh replaces the whole table, so mode does not apply; remove it "
                        + "(or use sync_type incremental with mode upsert to keep rows the source no longer has)");
            }
            SchemaPolicy schemaPolicy = schemaPolicy(node.get("schema_policy"), path + ".schema_policy");
            if (errors.size() > errorsBefore) return Optional.empty();
            return Optional.of(new SyncConfig(name, model.get(), destination.get(), StreamId.parse(table.get()), syncType,
                    cursorField, Optional.ofNullable(cursorType), mode, primaryKey, batchSize, enabled, lookback, deleteBehavior,
                    fieldMapping, recordMatching, cdcTableMode, maxSlotLag, schedule.orElseThrow(), schemaPolicy));
        }

        /**
         * {@code schema_policy}: a map of change kind to action, or one action for every kind (only pause or fail can
         * apply to every kind).
         */
        private SchemaPolicy schemaPolicy(JsonNode node, String path) {
            if (node == null || node.isNull()) return SchemaPolicy.DEFAULT;
            Map<SchemaChangeKind, SchemaAction> actions = new java.util.EnumMap<>(SchemaChangeKind.class);
            if (node.isValueNode()) {
                Optional<SchemaAction> action = schemaAction(node, path);
                action.ifPresent(a -> {
                    List<String> refusing = Arrays.stream(SchemaChangeKind.values()).filter(k -> !k.allowed().contains(a))
                            .map(SchemaChangeKind::configName).toList();
                    if (refusing.isEmpty()) {
                        for (SchemaChangeKind kind : SchemaChangeKind.values()) actions.put(kind, a);
                    } else {
                        error(path, a.configName() + " cannot apply to every kind of change (" + String.join(" and ", refusing)
                                + " only pause or fail); write schema_policy as a map, e.g. { column_added: " + a.configName() + " }");
                    }
                });
            } else if (node.isObject()) {
                node.fields().forEachRemaining(entry -> {
                    String at = path + "." + entry.getKey();
                    Optional<SchemaChangeKind> kind = Arrays.stream(SchemaChangeKind.values())
                            .filter(k -> k.configName().equals(entry.getKey())).findFirst();
                    if (kind.isEmpty()) {
                        error(at, "unknown kind of schema change; use one of " + names(SchemaChangeKind.class));
                        return;
                    }
                    schemaAction(entry.getValue(), at).ifPresent(a -> {
                        if (kind.get().allowed().contains(a)) {
                            actions.put(kind.get(), a);
                        } else {
                            error(at, a.configName() + " is not allowed: " + kind.get().restriction() + "; use one of "
                                    + kind.get().allowed().stream().sorted().map(SchemaAction::configName).collect(Collectors.joining(", ")));
                        }
                    });
                });
            } else {
                error(path, "expected a map of change kind to action, e.g. { column_added: propagate, type_changed: pause }");
            }
            return new SchemaPolicy(actions);
        }

        private Optional<SchemaAction> schemaAction(JsonNode value, String path) {
            String text = value.isValueNode() ? value.asText().trim() : "";
            Optional<SchemaAction> action = Arrays.stream(SchemaAction.values()).filter(a -> a.configName().equals(text)).findFirst();
            if (action.isEmpty()) error(path, "unknown action \"" + text + "\"; use one of " + names(SchemaAction.class));
            return action;
        }

        /** A byte size: {@code 512MB}, {@code 10GB}. */
        private Long size(String value, String path) {
            Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches() && m.group(1).length() <= 6 && Long.parseLong(m.group(1)) > 0) {
                int shift = switch (m.group(2)) {
                    case "b" -> 0;
                    case "kb" -> 10;
                    case "mb" -> 20;
                    case "gb" -> 30;
                    default -> 40;
                };
                return Long.parseLong(m.group(1)) << shift;
            }
            error(path, "expected a size such as 512MB or 10GB, got \"" + value + "\"");
            return DEFAULT_MAX_SLOT_LAG;
        }

        /** A mapping of names to names ({@code column: field}); non-text values are errors. */
        private Map<String, String> stringMap(JsonNode node, String key, String path) {
            JsonNode v = node.get(key);
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null || v.isNull()) return out;
            if (!v.isObject() || v.isEmpty()) {
                error(path + "." + key, "expected a mapping of model columns to destination fields, e.g. {email: Email}");
                return out;
            }
            v.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                    error(path + "." + key + "." + e.getKey(), "expected a destination field name");
                } else {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
            return out;
        }

        /**
         * A diff sync that sends removals to a destination that cannot delete. A destination holding tables applies
         * {@code soft_delete} and {@code clear_fields} as updates of its rows; one without tables (an API) sends every
         * removal through its removal request, so without {@link Capability#DELETE} it takes none of them.
         */
        private void removalsRefused(String name, SyncConfig sync, String type, Set<Capability> caps) {
            if (caps.contains(Capability.TABLE_WRITES)) {
                if (sync.deleteBehavior() == DeleteBehavior.DELETE) {
                    error("syncs." + name + ".delete_behavior", "a " + type + " destination cannot delete records; use delete_behavior "
                            + "soft_delete or clear_fields");
                }
            } else {
                boolean defaulted = !root.path("syncs").path(name).has("delete_behavior");
                error("syncs." + name + ".delete_behavior", "a " + type + " destination cannot delete or change the records of removed "
                        + "rows, so it takes no removals" + (defaulted ? " (mode " + sync.mode().configName() + " deletes them by default)" : "")
                        + "; use delete_behavior nothing");
            }
        }

        /** What the chosen connectors cannot do is a configuration error now, not a failed run later. */
        private void checkCapabilities(Map<String, ConnectionConfig> connections, Map<String, ModelConfig> models,
                                       Map<String, SyncConfig> syncs) {
            models.forEach((name, model) -> capabilities(connections, model.connection()).ifPresent(caps -> {
                if (!caps.contains(Capability.SOURCE)) {
                    error("models." + name + ".connection", "a " + connections.get(model.connection()).type()
                            + " connection cannot be read from; use a source connection");
                } else if (model.spec().isQuery() && !caps.contains(Capability.QUERY_MODELS)) {
                    error("models." + name + ".query", "a " + connections.get(model.connection()).type()
                            + " connection cannot run queries; use table instead");
                }
            }));
            Map<String, String> writers = new java.util.HashMap<>();
            syncs.forEach((name, sync) -> {
                capabilities(connections, sync.destination()).ifPresent(caps -> {
                    if (!caps.contains(Capability.DESTINATION)) {
                        error("syncs." + name + ".destination", "a " + connections.get(sync.destination()).type()
                                + " connection cannot be written to; use a destination connection");
                    } else if (sync.syncType() != SyncType.DIFF && !caps.contains(Capability.TABLE_WRITES)) {
                        error("syncs." + name + ".sync_type", "a " + connections.get(sync.destination()).type()
                                + " destination takes keyed changes only, not whole tables; use sync_type diff (it sends what was "
                                + "added, changed and removed since the last run)");
                    } else if ((sync.syncType() == SyncType.INCREMENTAL || sync.syncType() == SyncType.DIFF) && !caps.contains(Capability.UPSERT)) {
                        error("syncs." + name + ".destination", "a " + connections.get(sync.destination()).type()
                                + " destination cannot apply keyed changes, which " + sync.syncType().configName()
                                + " syncs need; use sync_type full_refresh or append");
                    } else if (sync.syncType() == SyncType.CDC && !caps.contains(Capability.TRANSACTIONAL_COMMIT)) {
                        error("syncs." + name + ".destination", "a " + connections.get(sync.destination()).type()
                                + " destination cannot commit data and log position in one transaction, which cdc syncs need to apply "
                                + "each change exactly once; use a database destination (postgres, duckdb, sqlite)");
                    } else if (sync.syncType() == SyncType.CDC && sync.cdcTableMode().mirrors()
                            && !(caps.contains(Capability.UPSERT) && caps.contains(Capability.DELETE))) {
                        error("syncs." + name + ".destination", "a " + connections.get(sync.destination()).type()
                                + " destination cannot upsert and delete by key, which a cdc mirror table needs; use cdc_table_mode changelog");
                    } else if (sync.syncType() == SyncType.DIFF && sync.deleteBehavior() != DeleteBehavior.NOTHING
                            && !caps.contains(Capability.DELETE)) {
                        removalsRefused(name, sync, connections.get(sync.destination()).type(), caps);
                    }
                });
                Optional.ofNullable(models.get(sync.model())).flatMap(m -> capabilities(connections, m.connection()))
                        .filter(caps -> sync.syncType().usesCursor() && !caps.contains(Capability.CURSOR_PUSHDOWN))
                        .ifPresent(caps -> error("syncs." + name + ".sync_type", "the model's connection cannot read a cursor "
                                + "window, which " + sync.syncType().configName() + " syncs need; use sync_type full_refresh"));
                Optional.ofNullable(models.get(sync.model())).flatMap(m -> capabilities(connections, m.connection()))
                        .filter(caps -> sync.syncType() == SyncType.CDC && !caps.contains(Capability.CDC))
                        .ifPresent(caps -> error("syncs." + name + ".sync_type", "the model's connection has no change log Tidemark "
                                + "can capture; use sync_type diff (or incremental with a cursor column)"));
                // An API that takes only keyed changes holds no tables: several syncs may send to one of its objects
                // (each sync keeps its own records), as a migration's event tables all go to `events` — unless a sync
                // sends removals, which could remove records another sync still holds.
                boolean shared = capabilities(connections, sync.destination())
                        .map(caps -> !caps.contains(Capability.TABLE_WRITES) && sync.deleteBehavior() == DeleteBehavior.NOTHING).orElse(false);
                String other = shared ? null : writers.putIfAbsent(sync.destination() + "/" + sync.target(), name);
                if (other != null) {
                    error("syncs." + name + ".table", "table " + sync.target() + " at " + sync.destination()
                            + " is already written by sync " + other + "; each destination table belongs to one sync");
                }
            });
        }

        private Optional<java.util.Set<Capability>> capabilities(Map<String, ConnectionConfig> connections, String name) {
            return Optional.ofNullable(connections.get(name)).flatMap(c -> registry.find(c.type())).map(ConnectorFactory::capabilities);
        }

        private Optional<Lookback> lookback(String value, String path) {
            Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches() && m.group(1).length() <= 9) {
                long n = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "s", "sec" -> Duration.ofSeconds(n);
                    case "min" -> Duration.ofMinutes(n);
                    case "h", "hour" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return Optional.of(new Lookback.Span(d));
            }
            try {
                BigDecimal amount = new BigDecimal(value.trim());
                if (amount.signum() >= 0) return Optional.of(new Lookback.Amount(amount));
            } catch (NumberFormatException ignored) {
                // reported below
            }
            error(path, "expected a duration (30s, 5min, 2hour, 1day) for date/time cursors or a non-negative number for numeric cursors, got \"" + value + "\"");
            return Optional.empty();
        }

        private <E extends Enum<E>> E enumValue(JsonNode node, String key, String path, Class<E> type, E fallback) {
            Optional<String> text = optionalText(node, key, path + "." + key);
            if (text.isEmpty()) return fallback;
            try {
                return Enum.valueOf(type, text.get().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                error(path + "." + key, "unknown value \"" + text.get() + "\"; use one of " + names(type));
                return null;
            }
        }

        private <E extends Enum<E>> String names(Class<E> type) {
            return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }

        private int intValue(JsonNode node, String key, String path, int fallback, int min, int max) {
            JsonNode v = node.get(key);
            if (v == null) return fallback;
            if (!v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
                error(path + "." + key, "expected a whole number from " + min + " to " + max);
                return fallback;
            }
            return v.asInt();
        }

        private boolean booleanValue(JsonNode node, String key, String path) {
            JsonNode v = node.get(key);
            if (!v.isBoolean()) error(path + "." + key, "expected true or false");
            return v.asBoolean(true);
        }

        private List<String> stringList(JsonNode node, String key, String path) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) return List.of();
            if (v.isTextual()) return List.of(v.asText());
            if (!v.isArray() || v.isEmpty()) {
                error(path, "expected a list of column names, e.g. [id]");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            v.forEach(e -> out.add(e.asText()));
            return out;
        }

        private Optional<String> requiredText(JsonNode node, String key, String path, String fix) {
            Optional<String> v = optionalText(node, key, path);
            if (v.isEmpty() && !node.has(key)) error(path, "required; " + fix);
            return v;
        }

        private Optional<String> optionalText(JsonNode node, String key, String path) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) return Optional.empty();
            if (!v.isValueNode() || v.asText().isBlank()) {
                error(path, "expected a non-empty text value");
                return Optional.empty();
            }
            return Optional.of(v.asText());
        }

        private void unknownKeys(JsonNode node, String path, Set<String> known) {
            node.fieldNames().forEachRemaining(k -> {
                if (!known.contains(k)) {
                    error((path.isEmpty() ? "" : path + ".") + k, "unknown setting; known: " + known.stream().sorted().collect(Collectors.joining(", ")));
                }
            });
        }

        /** An error in a generated entry also names the migration that made it: that is where the user fixes it. */
        private void error(String path, String message) {
            String origin = expansion.originOf(path).map(m -> " (generated by " + m + ")").orElse("");
            errors.add(new ConfigError(file.toString(), path, message + origin));
        }
    }
}
