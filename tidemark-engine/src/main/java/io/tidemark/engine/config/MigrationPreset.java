package io.tidemark.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.api.Capability;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.engine.ConnectorRegistry;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The {@code migrations:} section of a workspace. Each migration names a preset and expands, before the workspace is
 * validated, into ordinary models, syncs and one sequence named after the migration: everything a migration does is
 * visible with {@code tidemark plan}, runs with the usual commands and is checked like a hand-written sync.
 *
 * <p>The one preset, {@code analytics_export}, sends an analytics tool's export (one table per event type, and
 * optionally a users table, as Heap exports them) to a {@code capture} connection:
 * <pre>
 * migrations:
 *   heap:
 *     preset: analytics_export
 *     source: export                 # the connection holding the export (files, duckdb, postgres, …)
 *     destination: posthog           # a capture connection
 *     event_tables: [pageview, my_cool_event]
 *     users_table: users             # optional
 * </pre>
 * Every rule (names, field mappings, the order of the sequence) is in {@code docs/migration.md}; the generated
 * {@code field_mapping}s use the transform syntax of {@code docs/transforms.md}.
 */
final class MigrationPreset {
    static final String SECTION = "migrations";
    static final String PRESET = "analytics_export";
    private static final String CAPTURE = "capture";
    private static final Set<String> KEYS = Set.of("preset", "source", "destination", "event_tables", "users_table", "user_key",
            "event_key", "event_names", "property_names", "time_zone", "omit", "schedule");

    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A table a sync may name: {@code table} or {@code schema.table}, each part usable in a sync's name. */
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]*(\\.[A-Za-z_][A-Za-z0-9_\\-]*)*");
    /** A table written into SQL as it is: plain identifiers only, so that it needs no dialect's quoting. */
    private static final Pattern SQL_TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    // What the capture API calls the columns of an analytics export (PostHog's names for Heap's).
    private static final Map<String, String> EVENT_NAMES = Map.of("pageview", "$pageview", "pageviews", "$pageview");
    private static final Map<String, String> EVENT_PROPERTIES = ordered(
            "browser", "$browser", "browser_version", "$browser_version", "device_type", "$device_type", "library", "$lib",
            "ip", "$ip", "city", "$geoip_city_name", "country", "$geoip_country_name", "region", "$geoip_subdivision_1_name",
            "landing_page", "$current_url", "path", "$pathname", "referrer", "$referrer");
    private static final Map<String, String> INITIAL_PROPERTIES = ordered(
            "initial_browser", "$initial_browser", "initial_browser_version", "$initial_browser_version",
            "initial_device_type", "$initial_device_type", "initial_landing_page", "$initial_current_url",
            "initial_path", "$initial_pathname", "initial_referrer", "$initial_referrer", "initial_city", "$initial_geoip_city_name",
            "initial_country", "$initial_geoip_country_name", "initial_region", "$initial_geoip_subdivision_1_name");
    private static final List<String> USER_DATES = List.of("joindate", "last_modified", "lastseen", "identity_time");
    private static final List<String> EVENT_LEFT_OUT = List.of("session_time", "session_id", "domain");
    private static final List<String> USER_LEFT_OUT = List.of("identity", "id", "full_initial_referrer");
    private static final String IDENTITY = "identity";
    private static final String SET = "$set";
    private static final String SET_ONCE = "$set_once";
    private static final String INITIAL = "initial_";

    private MigrationPreset() {}

    /**
     * The workspace with every migration's models, syncs and sequence added, and which migration made each entry.
     *
     * @param workspace the document with its generated entries (the {@code migrations} section stays, as written)
     * @param origins   generated entry ({@code syncs.heap_users}) → the migration that made it ({@code migrations.heap})
     */
    record Expansion(JsonNode workspace, Map<String, String> origins) {
        Expansion {
            origins = Map.copyOf(origins);
        }

        /** The migration that generated the entry a key path points into ({@code syncs.heap_users.mode}), if any. */
        Optional<String> originOf(String keyPath) {
            int first = keyPath.indexOf('.');
            if (first < 0) return Optional.empty();
            int second = keyPath.indexOf('.', first + 1);
            return Optional.ofNullable(origins.get(second < 0 ? keyPath : keyPath.substring(0, second)));
        }
    }

    /**
     * Expands {@code migrations:} of {@code workspace}. Problems go to {@code error} as (key path, message), all of them;
     * a migration with a problem adds nothing, so that the workspace's own checks do not repeat it at generated paths.
     * A document without migrations comes back as it is.
     */
    static Expansion expand(JsonNode workspace, ConnectorRegistry registry, BiConsumer<String, String> error) {
        JsonNode section = workspace.get(SECTION);
        if (section == null || section.isNull() || !workspace.isObject()) return new Expansion(workspace, Map.of());
        if (!section.isObject()) {
            error.accept(SECTION, "expected a mapping of migration names to settings, e.g. heap: { preset: " + PRESET + ", … }");
            return new Expansion(workspace, Map.of());
        }
        ObjectNode expanded = workspace.deepCopy();
        Map<String, String> origins = new LinkedHashMap<>();
        Map<String, String> generatedBy = new LinkedHashMap<>();  // entry → the setting that made it, across migrations
        section.fields().forEachRemaining(migration -> {
            String path = SECTION + "." + migration.getKey();
            if (!WorkspaceLoader.NAME.matcher(migration.getKey()).matches()) {
                error.accept(path, "names use letters, digits, _ and -, starting with a letter or _");
                return;
            }
            if (!migration.getValue().isObject()) {
                error.accept(path, "expected a mapping of settings, e.g. { preset: " + PRESET + ", source: …, destination: …, event_tables: […] }");
                return;
            }
            Optional<List<Entry>> entries = Settings.read(migration.getKey(), migration.getValue(), workspace.path("connections"),
                    registry, error).map(Settings::entries);
            if (entries.isEmpty() || clashes(entries.get(), workspace, generatedBy, error)) return;
            for (Entry entry : entries.get()) {
                JsonNode target = expanded.get(entry.section());
                // A section that is not a mapping is reported by the workspace's own checks; nothing is added to it.
                if (target != null && !target.isNull() && !target.isObject()) continue;
                ObjectNode into = target instanceof ObjectNode object ? object : expanded.putObject(entry.section());
                into.set(entry.name(), entry.body());
                origins.put(entry.key(), path);
                generatedBy.put(entry.key(), entry.cause());
            }
        });
        return new Expansion(expanded, origins);
    }

    /**
     * Generated names must be defined neither by hand nor twice (by another migration, or by two tables of this one):
     * reports each clash and says whether there was any.
     */
    private static boolean clashes(List<Entry> entries, JsonNode workspace, Map<String, String> generatedBy, BiConsumer<String, String> error) {
        boolean any = false;
        Map<String, String> taken = new LinkedHashMap<>(generatedBy);
        for (Entry entry : entries) {
            String other = taken.putIfAbsent(entry.key(), entry.cause());
            if (workspace.path(entry.section()).has(entry.name())) {
                error.accept(entry.cause(), "the migration makes " + entry.kind() + " " + entry.name() + ", which " + entry.key()
                        + " already defines; rename one of them");
                any = true;
            } else if (other != null) {
                error.accept(entry.cause(), "the migration makes " + entry.kind() + " " + entry.name() + ", which " + other
                        + " makes too; rename one of the tables or migrations");
                any = true;
            }
        }
        return any;
    }

    /**
     * One generated workspace entry.
     *
     * @param section {@code models}, {@code syncs} or {@code sequences}
     * @param cause   the migration setting that makes it, where a clash is reported
     */
    private record Entry(String section, String name, ObjectNode body, String cause) {
        String key() { return section + "." + name; }

        String kind() { return section.substring(0, section.length() - 1); }
    }

    /**
     * One migration's settings, validated.
     *
     * @param sourceRunsQueries whether the source can run SQL (then the users are read through queries)
     * @param eventTables       the event tables as written, in order
     * @param eventNames        event table → event name, for every event table
     */
    private record Settings(String name, String path, String source, String destination, boolean sourceRunsQueries,
                            List<String> eventTables, Map<String, String> eventNames, Optional<String> usersTable, String userKey,
                            String eventKey, Map<String, String> propertyNames, ZoneId timeZone, List<String> omit,
                            Optional<JsonNode> schedule) {

        static Optional<Settings> read(String name, JsonNode node, JsonNode connections, ConnectorRegistry registry,
                                       BiConsumer<String, String> error) {
            String path = SECTION + "." + name;
            Reader in = new Reader(node, path, error);
            node.fieldNames().forEachRemaining(key -> {
                if (!KEYS.contains(key)) error.accept(path + "." + key, "unknown setting; known: " + String.join(", ", KEYS.stream().sorted().toList()));
            });
            in.text("preset", true, "set it to " + PRESET).filter(p -> !p.equals(PRESET)).ifPresent(p ->
                    in.error("preset", "unknown preset \"" + p + "\"; the one preset is " + PRESET + " (see docs/migration.md)"));
            Optional<String> source = in.text("source", true, "name the connection holding the export");
            Optional<String> destination = in.text("destination", true, "name the capture connection to send to");
            source.ifPresent(s -> connection(s, "source", in, connections).ifPresent(type ->
                    capabilities(registry, type).filter(caps -> !caps.contains(Capability.SOURCE)).ifPresent(caps -> in.error("source",
                            "connection " + s + " is a " + type + " connection, which cannot be read from; name the connection "
                                    + "holding the export (files, duckdb, postgres)"))));
            destination.ifPresent(d -> connection(d, "destination", in, connections).filter(type -> !type.equals(CAPTURE)).ifPresent(type ->
                    in.error("destination", "connection " + d + " is a " + type + " connection; the " + PRESET + " preset sends to a "
                            + CAPTURE + " connection (type: " + CAPTURE + ")")));
            boolean queries = source.flatMap(s -> Optional.ofNullable(connections.path(s).path("type").textValue()))
                    .flatMap(type -> capabilities(registry, type)).map(caps -> caps.contains(Capability.QUERY_MODELS)).orElse(false);

            List<String> eventTables = in.eventTables();
            Optional<String> usersTable = in.text("users_table", false, null).filter(t -> in.matches("users_table", t,
                    queries ? SQL_TABLE : TABLE, queries ? "a table name (table or schema.table) of letters, digits and _, which the "
                            + "preset writes into its SQL as it is" : "a table name: table or schema.table"));
            String userKey = in.column("user_key", "user_id");
            String eventKey = in.column("event_key", "event_id");
            Map<String, String> eventNames = new LinkedHashMap<>();
            eventTables.forEach(t -> eventNames.put(t, EVENT_NAMES.getOrDefault(shortName(t), shortName(t))));
            in.names("event_names").forEach((table, event) -> {
                if (eventNames.containsKey(table)) eventNames.put(table, event);
                else in.error("event_names." + table, "not one of event_tables (" + String.join(", ", eventTables) + ")");
            });
            Map<String, String> propertyNames = in.names("property_names");
            List<String> omit = in.columns("omit");
            ZoneId timeZone = in.text("time_zone", false, null).flatMap(z -> in.zone("time_zone", z)).orElse(ZoneId.of("UTC"));

            Map<String, String> reserved = new LinkedHashMap<>();
            reserved.put("user_id", "the events' distinct_id");
            reserved.put("time", "the events' timestamp");
            reserved.put(eventKey, "the events' key");
            if (usersTable.isPresent()) {
                reserved.putIfAbsent(userKey, "the users' key");
                reserved.putIfAbsent(IDENTITY, "the users' identity");
            }
            propertyNames.keySet().stream().filter(reserved::containsKey).forEach(c -> in.error("property_names." + c,
                    c + " is " + reserved.get(c) + ", which the preset maps itself; it cannot be renamed"));
            for (int i = 0; i < omit.size(); i++) {
                String column = omit.get(i);
                if (reserved.containsKey(column)) {
                    in.error("omit[" + i + "]", column + " is " + reserved.get(column) + ", which the preset needs; it cannot be left out");
                } else if (propertyNames.containsKey(column)) {
                    in.error("omit[" + i + "]", column + " is also renamed in property_names; either send it or leave it out");
                }
            }
            if (in.failed()) return Optional.empty();
            return Optional.of(new Settings(name, path, source.orElseThrow(), destination.orElseThrow(), queries, eventTables,
                    eventNames, usersTable, userKey, eventKey, propertyNames, timeZone, omit, Optional.ofNullable(node.get("schedule"))));
        }

        /** The type of the named connection, when it exists; a missing one is reported at {@code setting}. */
        private static Optional<String> connection(String name, String setting, Reader in, JsonNode connections) {
            if (!connections.has(name)) {
                List<String> defined = new ArrayList<>();
                connections.fieldNames().forEachRemaining(defined::add);
                in.error(setting, "no connection named \"" + name + "\"; defined: " + (defined.isEmpty() ? "none" : String.join(", ", defined)));
                return Optional.empty();
            }
            // A connection without a valid type is reported where it is defined.
            return Optional.ofNullable(connections.path(name).path("type").textValue());
        }

        private static Optional<Set<Capability>> capabilities(ConnectorRegistry registry, String type) {
            return registry.find(type).map(ConnectorFactory::capabilities);
        }

        /** The generated models, syncs and sequence, in run order: aliases, users, then the events. */
        List<Entry> entries() {
            List<Entry> entries = new ArrayList<>();
            List<String> order = new ArrayList<>();
            usersTable.ifPresent(table -> {
                String users = name + "_users";
                String aliases = name + "_aliases";
                String cause = path + ".users_table";
                // varchar: Heap's user_id is a number and identity text, which coalesce needs as one type (Postgres,
                // DuckDB and SQLite all read this); an empty identity is no identity, as in the export's CSV.
                entries.add(new Entry("models", users, sourceRunsQueries
                        ? query("select *, coalesce(nullif(cast(" + IDENTITY + " as varchar), ''), cast(" + userKey + " as varchar)) "
                                + "as distinct_id from " + table, userKey)
                        : table(table, userKey), cause));
                // A source that runs no SQL cannot pick the users who have an identity: the aliases read every user.
                String aliasModel = users;
                if (sourceRunsQueries) {
                    aliasModel = aliases;
                    entries.add(new Entry("models", aliases, query("select " + userKey + ", " + IDENTITY + " from " + table + " where "
                            + IDENTITY + " is not null and cast(" + IDENTITY + " as varchar) <> ''", userKey), cause));
                }
                ObjectNode aliasMapping = object();
                aliasMapping.put(IDENTITY, "distinct_id");
                aliasMapping.put(userKey, "alias");
                entries.add(new Entry("syncs", aliases, sync(aliasModel, "aliases", "upsert", aliasMapping), cause));
                entries.add(new Entry("syncs", users, sync(users, "persons", "upsert", userMapping()), cause));
                order.add(aliases);
                order.add(users);
            });
            for (int i = 0; i < eventTables.size(); i++) {
                String table = eventTables.get(i);
                String sync = name + "_" + shortName(table);
                String cause = path + ".event_tables[" + i + "]";
                entries.add(new Entry("models", sync, table(table, eventKey), cause));
                entries.add(new Entry("syncs", sync, sync(sync, "events", "insert", eventMapping(eventNames.get(table))), cause));
                order.add(sync);
            }
            ObjectNode sequence = object();
            ArrayNode syncs = sequence.putArray("syncs");
            order.forEach(syncs::add);
            schedule.ifPresent(s -> sequence.set("schedule", s.deepCopy()));
            entries.add(new Entry("sequences", name, sequence, path));
            return entries;
        }

        private ObjectNode sync(String model, String object, String mode, ObjectNode fieldMapping) {
            ObjectNode sync = object();
            sync.put("model", model);
            sync.put("destination", destination);
            sync.put("table", object);
            sync.put("sync_type", "diff");
            sync.put("mode", mode);
            sync.set("field_mapping", fieldMapping);
            return sync;
        }

        private ObjectNode table(String table, String key) { return model("table", table, key); }

        private ObjectNode query(String sql, String key) { return model("query", sql, key); }

        /** A model of the source connection: {@code what} is {@code table} or {@code query}. */
        private ObjectNode model(String what, String value, String key) {
            ObjectNode model = object();
            model.put("connection", source);
            model.put(what, value);
            model.putArray("primary_key").add(key);
            return model;
        }

        /** An event: who, when and which event, the known properties under the capture API's names, every other column as it is. */
        private ObjectNode eventMapping(String eventName) {
            ObjectNode mapping = object();
            mapping.put("user_id", "distinct_id");
            mapping.set("time", object().put("field", "timestamp").put("transform", "iso8601").put("time_zone", timeZone.getId()));
            mapping.set("event", object().put("constant", eventName));
            Map<String, ObjectNode> properties = new LinkedHashMap<>();
            EVENT_PROPERTIES.forEach((column, property) -> properties.put(column, property(property, null, false)));
            properties.put("platform", split("$os", "$os_version", null));
            propertyNames.forEach((column, property) -> properties.put(column, property(property, null, false)));
            omit.forEach(properties::remove);
            properties.forEach(mapping::set);
            List<String> leftOut = new ArrayList<>(List.of(eventKey));
            leftOut.addAll(EVENT_LEFT_OUT);
            leftOut.addAll(omit);
            return withCatchAlls(mapping, List.of(new CatchAll("*", Optional.empty())), leftOut);
        }

        /**
         * A person: its distinct id, first-touch properties once ({@code $set_once}), the rest as current properties
         * ({@code $set}), dates as ISO 8601.
         */
        private ObjectNode userMapping() {
            ObjectNode mapping = object();
            // Without SQL there is no coalesce(identity, user_id): the person is named by user_id, which its alias joins to the identity.
            mapping.put(sourceRunsQueries ? "distinct_id" : userKey, "distinct_id");
            Map<String, ObjectNode> properties = new LinkedHashMap<>();
            INITIAL_PROPERTIES.forEach((column, property) -> properties.put(column, property(property, SET_ONCE, false)));
            properties.put("initial_platform", split("$initial_os", "$initial_os_version", SET_ONCE));
            USER_DATES.forEach(column -> properties.put(column, property(column, SET, true)));
            propertyNames.forEach((column, property) -> properties.put(column, property(property, column.startsWith(INITIAL) ? SET_ONCE : SET, false)));
            omit.forEach(properties::remove);
            properties.forEach(mapping::set);
            List<String> leftOut = new ArrayList<>(List.of(userKey));
            leftOut.addAll(USER_LEFT_OUT);
            leftOut.addAll(omit);
            return withCatchAlls(mapping, List.of(new CatchAll(INITIAL + "*", Optional.of(SET_ONCE)), new CatchAll("*", Optional.of(SET))), leftOut);
        }

        /**
         * Adds pattern entries that send every column no other entry names under its own name. Each left-out column goes
         * to the {@code except} of the first pattern covering it (a column belongs to the first pattern that matches it).
         */
        private static ObjectNode withCatchAlls(ObjectNode mapping, List<CatchAll> catchAlls, List<String> leftOut) {
            Set<String> pending = new LinkedHashSet<>(leftOut);
            for (CatchAll catchAll : catchAlls) {
                ObjectNode entry = object();
                catchAll.group().ifPresent(g -> entry.put("group", g));
                entry.put("drop_empty", true);
                ArrayNode except = entry.arrayNode();
                for (var it = pending.iterator(); it.hasNext(); ) {
                    String column = it.next();
                    if (!catchAll.covers(column)) continue;
                    if (!mapping.has(column)) except.add(column);
                    it.remove();
                }
                if (!except.isEmpty()) entry.set("except", except);
                mapping.set(catchAll.pattern(), entry);
            }
            return mapping;
        }

        /** A property, sent only when the column exists and has a value; a date one as ISO 8601. */
        private ObjectNode property(String field, String group, boolean date) {
            ObjectNode entry = object().put("field", field);
            if (date) entry.put("transform", "iso8601").put("time_zone", timeZone.getId());
            if (group != null) entry.put("group", group);
            return entry.put("drop_empty", true).put("optional", true);
        }

        /** An operating system as written by analytics tools ({@code Mac OS X 10.15.7}) split into name and version. */
        private static ObjectNode split(String nameField, String versionField, String group) {
            ObjectNode entry = object().put("split", "name_version");
            entry.putArray("fields").add(nameField).add(versionField);
            if (group != null) entry.put("group", group);
            return entry.put("drop_empty", true).put("optional", true);
        }
    }

    /** A {@code field_mapping} pattern entry of this preset: {@code *} or {@code prefix*}, sending into {@code group}. */
    private record CatchAll(String pattern, Optional<String> group) {
        boolean covers(String column) { return column.startsWith(pattern.substring(0, pattern.length() - 1)); }
    }

    /** Reads one migration's settings; every problem goes to the error sink under the migration's path. */
    private static final class Reader {
        private final JsonNode node;
        private final String path;
        private final BiConsumer<String, String> sink;
        private boolean failed;

        Reader(JsonNode node, String path, BiConsumer<String, String> sink) {
            this.node = node;
            this.path = path;
            this.sink = sink;
        }

        void error(String key, String message) {
            failed = true;
            sink.accept(path + "." + key, message);
        }

        boolean failed() { return failed; }

        Optional<String> text(String key, boolean required, String fix) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                if (required) error(key, "required; " + fix);
                return Optional.empty();
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                error(key, "expected a non-empty text value");
                return Optional.empty();
            }
            return Optional.of(v.asText().trim());
        }

        boolean matches(String key, String value, Pattern pattern, String expected) {
            if (pattern.matcher(value).matches()) return true;
            error(key, "\"" + value + "\" is not " + expected);
            return false;
        }

        String column(String key, String fallback) {
            return text(key, false, null).filter(c -> matches(key, c, COLUMN, "a column name (letters, digits and _)")).orElse(fallback);
        }

        Optional<ZoneId> zone(String key, String value) {
            try {
                return Optional.of(ZoneId.of(value));
            } catch (DateTimeException e) {
                error(key, "unknown time zone \"" + value + "\"; use UTC or an IANA name such as Europe/Berlin");
                return Optional.empty();
            }
        }

        /** {@code event_tables}: a non-empty list of distinct table names, each usable in a sync's name. */
        List<String> eventTables() {
            JsonNode v = node.get("event_tables");
            List<String> tables = new ArrayList<>();
            if (v == null || v.isNull()) {
                error("event_tables", "required; list the export's event tables, one per event type, e.g. [pageview, signed_up]");
            } else if (!v.isArray() || v.isEmpty()) {
                error("event_tables", "expected a non-empty list of the export's event tables, e.g. [pageview, signed_up]");
            } else {
                for (int i = 0; i < v.size(); i++) {
                    String table = v.get(i).isTextual() ? v.get(i).asText().trim() : "";
                    String at = "event_tables[" + i + "]";
                    if (!TABLE.matcher(table).matches()) {
                        error(at, "expected a table name (table or schema.table; letters, digits, _ and -)");
                    } else if (tables.contains(table)) {
                        error(at, "table " + table + " is listed twice");
                    } else {
                        tables.add(table);
                    }
                }
            }
            return tables;
        }

        /** A mapping of names to names ({@code event_names}, {@code property_names}). */
        Map<String, String> names(String key) {
            JsonNode v = node.get(key);
            Map<String, String> names = new LinkedHashMap<>();
            if (v == null || v.isNull()) return names;
            if (!v.isObject()) {
                error(key, "expected a mapping such as { pageview: $pageview }");
                return names;
            }
            v.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual() && !e.getValue().asText().isBlank()) names.put(e.getKey(), e.getValue().asText().trim());
                else error(key + "." + e.getKey(), "expected a non-empty name");
            });
            return names;
        }

        /** A list of column names ({@code omit}). */
        List<String> columns(String key) {
            JsonNode v = node.get(key);
            List<String> columns = new ArrayList<>();
            if (v == null || v.isNull()) return columns;
            if (!v.isArray()) {
                error(key, "expected a list of column names, e.g. [session_id, ip]");
                return columns;
            }
            for (int i = 0; i < v.size(); i++) {
                if (v.get(i).isTextual() && !v.get(i).asText().isBlank()) columns.add(v.get(i).asText().trim());
                else error(key + "[" + i + "]", "expected a column name");
            }
            return columns;
        }
    }

    /** The part of a table name after its schema: what names the table's sync and, by default, its event. */
    private static String shortName(String table) { return table.substring(table.lastIndexOf('.') + 1); }

    private static ObjectNode object() { return JsonNodeFactory.instance.objectNode(); }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) map.put(pairs[i], pairs[i + 1]);
        return Collections.unmodifiableMap(map);
    }
}
