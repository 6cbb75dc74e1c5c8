package io.tidemark.engine.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The YAML forms of a sync's {@code field_mapping} (docs/transforms.md):
 * <pre>
 * field_mapping:
 *   user_id: distinct_id                                   # rename
 *   time: { field: timestamp, transform: iso8601, time_zone: UTC }
 *   event_name: { field: event, map: { pageview: $pageview }, unmapped: keep }
 *   platform: { split: name_version, fields: [$os, $os_version] }
 *   path: { split: separator, separator: "/", fields: [section, page] }
 *   initial_browser: { field: $initial_browser, group: $set_once }
 *   city: { field: $geoip_city_name, group: $set, drop_empty: true }
 *   source: { constant: heap }                             # the key is the destination field
 *   label: { template: "{{first_name}} {{last_name}}" }    # the key is the destination field
 *   browser: { field: $browser, optional: true }           # left out when the model has no such column
 *   "initial_*": { group: $set_once, drop_empty: true }     # a pattern: the columns no entry names, as they are
 *   "*": { group: $set, except: [id] }
 * </pre>
 * Every problem is reported (as key path and message, with the fix) and the entry left out; whether the columns
 * exist, and which ones the patterns take, is for the run to say, which knows the model's schema.
 */
public final class FieldMappingSyntax {
    private static final String FIELD = "field";
    private static final String TRANSFORM = "transform";
    private static final String TIME_ZONE = "time_zone";
    private static final String MAP = "map";
    private static final String UNMAPPED = "unmapped";
    private static final String SPLIT = "split";
    private static final String FIELDS = "fields";
    private static final String SEPARATOR = "separator";
    private static final String GROUP = "group";
    private static final String DROP_EMPTY = "drop_empty";
    private static final String CONSTANT = "constant";
    private static final String TEMPLATE = "template";
    private static final String OPTIONAL = "optional";
    private static final String EXCEPT = "except";
    private static final Set<String> KEYS = Set.of(FIELD, TRANSFORM, TIME_ZONE, MAP, UNMAPPED, SPLIT, FIELDS, SEPARATOR, GROUP,
            DROP_EMPTY, CONSTANT, TEMPLATE, OPTIONAL, EXCEPT);
    /** What a pattern entry may say: how the columns it takes are sent, and which it keeps back. */
    private static final Set<String> PATTERN_KEYS = Set.of(GROUP, DROP_EMPTY, EXCEPT);
    /** The keys that choose what an entry does; at most one per entry (none: a rename). */
    private static final List<String> KINDS = List.of(TRANSFORM, MAP, SPLIT, CONSTANT, TEMPLATE);
    private static final String NAME_VERSION = "name_version";

    private FieldMappingSyntax() {}

    /**
     * Reads {@code node}, the value of {@code field_mapping:} at {@code path}. Problems go to {@code error} as (key
     * path, message); the entries that have one are left out (of two writing one destination field, the second).
     * Absent or null is {@link FieldMapping#NONE}.
     */
    public static FieldMapping read(JsonNode node, String path, BiConsumer<String, String> error) {
        if (node == null || node.isNull()) return FieldMapping.NONE;
        if (!node.isObject() || node.isEmpty()) {
            error.accept(path, "expected a mapping of model columns to destination fields, e.g. {email: Email, "
                    + "created_at: {field: created, transform: iso8601}}");
            return FieldMapping.NONE;
        }
        List<MappedField> entries = new ArrayList<>();
        List<ColumnPattern> patterns = new ArrayList<>();
        node.properties().forEach(e -> {
            String at = path + "." + e.getKey();
            JsonNode value = e.getValue();
            if (Whitespace.isBlank(e.getKey())) {
                error.accept(at, "expected a model column (or, for a constant or template, a destination field) as the key");
            } else if (ColumnPattern.isPattern(e.getKey())) {
                if (value.isObject()) {
                    new Entry(e.getKey(), value, at, error).pattern().ifPresent(patterns::add);
                } else {
                    error.accept(at, "a pattern sends the columns it takes under their own names; write {} or settings such as "
                            + "{group: $set, drop_empty: true, except: [id]} (rename a column with an entry of its own)");
                }
            } else if (value.isTextual() && !Whitespace.isBlank(value.asText())) {
                entries.add(MappedField.rename(e.getKey(), value.asText()));
            } else if (value.isObject()) {
                new Entry(e.getKey(), value, at, error).read().ifPresent(entries::add);
            } else {
                error.accept(at, "expected a destination field name, or a mapping such as {field: timestamp, transform: iso8601}");
            }
        });
        Map<String, String> writers = new HashMap<>();
        List<MappedField> distinct = new ArrayList<>();
        for (MappedField entry : entries) {
            Optional<String> twice = entry.destinationFields().stream().filter(f -> writers.containsKey(f)).findFirst();
            if (twice.isPresent()) {
                error.accept(path + "." + entry.key(), "destination field \"" + twice.get() + "\" is also written by "
                        + writers.get(twice.get()) + "; write each destination field once (rename one of them)");
            } else {
                entry.destinationFields().forEach(f -> writers.put(f, entry.key()));
                distinct.add(entry);
            }
        }
        return FieldMapping.of(distinct, livePatterns(patterns, entries, path, error));
    }

    /**
     * The patterns without those that could never send anything as written: an {@code except} column an entry names
     * (patterns never take it) or the glob does not match, and a pattern after one that takes all it matches.
     */
    private static List<ColumnPattern> livePatterns(List<ColumnPattern> patterns, List<MappedField> entries, String path,
                                                    BiConsumer<String, String> error) {
        Set<String> named = new HashSet<>();
        entries.forEach(e -> e.column().ifPresent(named::add));
        List<ColumnPattern> live = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            ColumnPattern pattern = patterns.get(i);
            String at = path + "." + pattern.glob();
            boolean ok = true;
            Optional<ColumnPattern> wider = patterns.subList(0, i).stream().filter(pattern::isCoveredBy).findFirst();
            if (wider.isPresent()) {
                error.accept(at, "takes no column: every column it matches goes to the earlier pattern " + Yaml.scalar(wider.get().glob())
                        + " (a column goes to the first pattern that matches it); put the narrower pattern first");
                ok = false;
            }
            int index = 0;
            for (String column : pattern.except()) {
                String problem = named.contains(column) ? "column " + column + " is mapped by an entry of its own, which a pattern "
                        + "never takes; remove it from except"
                        : !pattern.matches(column) ? "column " + column + " does not match " + Yaml.scalar(pattern.glob())
                        + ", so the pattern never takes it; remove it from except" : null;
                if (problem != null) {
                    error.accept(at + "." + EXCEPT + "[" + index + "]", problem);
                    ok = false;
                }
                index++;
            }
            if (ok) live.add(pattern);
        }
        return live;
    }

    /** One mapping-valued entry; collects its problems and yields nothing when it has any. */
    private static final class Entry {
        private final String key;
        private final JsonNode node;
        private final String path;
        private final BiConsumer<String, String> error;
        private boolean failed;

        Entry(String key, JsonNode node, String path, BiConsumer<String, String> error) {
            this.key = key;
            this.node = node;
            this.path = path;
            this.error = error;
        }

        Optional<MappedField> read() {
            node.fieldNames().forEachRemaining(k -> {
                if (!KEYS.contains(k)) fail(k, "unknown setting; known: " + KEYS.stream().sorted().collect(Collectors.joining(", ")));
            });
            List<String> kinds = KINDS.stream().filter(node::has).toList();
            if (kinds.size() > 1) {
                fail(null, "one entry applies one of " + String.join(", ", KINDS) + ", and this one has " + String.join(" and ", kinds)
                        + "; keep one (a template can combine columns)");
                return Optional.empty();
            }
            String kind = kinds.isEmpty() ? "" : kinds.getFirst();
            onlyWith(TIME_ZONE, kind.equals(TRANSFORM), "transform: iso8601");
            onlyWith(UNMAPPED, kind.equals(MAP), "map");
            onlyWith(FIELDS, kind.equals(SPLIT), "split");
            onlyWith(SEPARATOR, kind.equals(SPLIT), "split: separator"); // and split() checks the rule
            onlyWith(EXCEPT, false, "a pattern (a key holding *, such as \"*\" or \"initial_*\")");
            boolean readsColumn = !kind.equals(CONSTANT) && !kind.equals(TEMPLATE);
            if (node.has(OPTIONAL) && !readsColumn) {
                fail(OPTIONAL, "a " + kind + " reads no column, so there is nothing that could be missing; remove optional");
            }
            boolean optional = readsColumn && node.has(OPTIONAL) && bool(OPTIONAL);
            if (node.has(FIELD) && !readsColumn) {
                fail(FIELD, "a " + kind + " reads no column, so the key (" + key + ") is its destination field; remove field "
                        + "(or rename the key)");
            } else if (node.has(FIELD) && kind.equals(SPLIT)) {
                fail(FIELD, "a split writes the fields listed in fields; remove field");
            }
            Optional<String> field = readsColumn && !kind.equals(SPLIT) ? text(FIELD) : Optional.empty();
            Optional<String> group = text(GROUP);
            boolean dropEmpty = node.has(DROP_EMPTY) && bool(DROP_EMPTY);
            List<String> fields = kind.equals(SPLIT) ? splitFields() : List.of(field.orElse(key));
            Transform transform = switch (kind) {
                case TRANSFORM -> iso8601();
                case MAP -> valueMap();
                case SPLIT -> split(fields.size());
                case CONSTANT -> constant();
                case TEMPLATE -> template();
                default -> new Transform.Rename();
            };
            if (failed) return Optional.empty();
            return Optional.of(new MappedField(key, readsColumn ? Optional.of(key) : Optional.empty(), fields, group, transform, dropEmpty,
                    optional));
        }

        /** The entry as a pattern (its key holds {@code *}): only group, drop_empty and except apply. */
        Optional<ColumnPattern> pattern() {
            node.fieldNames().forEachRemaining(k -> {
                if (PATTERN_KEYS.contains(k)) return;
                fail(k, KEYS.contains(k)
                        ? "does not apply to a pattern, which sends each column it takes as it is, under its own name; map the "
                        + "column with an entry of its own to rename or transform it"
                        : "unknown setting; a pattern takes " + PATTERN_KEYS.stream().sorted().collect(Collectors.joining(", ")));
            });
            Optional<String> group = text(GROUP);
            boolean dropEmpty = node.has(DROP_EMPTY) && bool(DROP_EMPTY);
            Set<String> except = exceptColumns();
            if (failed) return Optional.empty();
            return Optional.of(new ColumnPattern(key, group, dropEmpty, except));
        }

        private Set<String> exceptColumns() {
            JsonNode list = node.get(EXCEPT);
            Set<String> columns = new LinkedHashSet<>();
            if (list == null) return columns;
            if (!list.isArray()) {
                fail(EXCEPT, "expected a list of model columns the pattern does not send, e.g. except: [id, api_token]");
                return columns;
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode column = list.get(i);
                if (!column.isTextual() || Whitespace.isBlank(column.asText()) || ColumnPattern.isPattern(column.asText())) {
                    fail(EXCEPT + "[" + i + "]", "expected a model column (a name, without *)");
                } else if (!columns.add(column.asText())) {
                    fail(EXCEPT + "[" + i + "]", "column " + column.asText() + " is listed twice");
                }
            }
            return columns;
        }

        private void onlyWith(String setting, boolean allowed, String what) {
            if (node.has(setting) && !allowed) fail(setting, "only used with " + what + "; remove it");
        }

        private Transform iso8601() {
            Optional<String> name = text(TRANSFORM);
            if (name.isPresent() && !name.get().equals("iso8601")) {
                fail(TRANSFORM, "unknown transform \"" + name.get() + "\"; use iso8601 (map, split, constant and template are keys of their own)");
            }
            ZoneId zone = Transform.Iso8601.DEFAULT_ZONE;
            Optional<String> zoneName = text(TIME_ZONE);
            if (zoneName.isPresent()) {
                try {
                    zone = ZoneId.of(zoneName.get().trim());
                } catch (DateTimeException e) {
                    fail(TIME_ZONE, "unknown time zone \"" + zoneName.get() + "\"; use a region such as Europe/Berlin or an offset "
                            + "such as +02:00 (default UTC)");
                }
            }
            return new Transform.Iso8601(zone);
        }

        private Transform valueMap() {
            JsonNode map = node.get(MAP);
            Map<String, String> values = new LinkedHashMap<>();
            if (!map.isObject() || map.isEmpty()) {
                fail(MAP, "expected a mapping of values to what they become, e.g. {pageview: $pageview, click: $autocapture}");
            } else {
                map.properties().forEach(e -> {
                    if (e.getValue().isValueNode()) values.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
                    else fail(MAP + "." + e.getKey(), "expected a single value (text, a number, true/false or null)");
                });
            }
            // YAML reads `unmapped: null` as null, not as the word.
            if (node.path(UNMAPPED).isNull()) return new Transform.ValueMap(values, Transform.ValueMap.Unmapped.NULL);
            Transform.ValueMap.Unmapped unmapped = Transform.ValueMap.Unmapped.KEEP;
            Optional<String> name = text(UNMAPPED);
            if (name.isPresent()) {
                Optional<Transform.ValueMap.Unmapped> known = Arrays.stream(Transform.ValueMap.Unmapped.values())
                        .filter(u -> u.configName().equals(name.get().trim().toLowerCase(Locale.ROOT))).findFirst();
                if (known.isEmpty()) fail(UNMAPPED, "unknown value \"" + name.get() + "\"; use keep (the default), null or reject");
                unmapped = known.orElse(unmapped);
            }
            return new Transform.ValueMap(values, unmapped);
        }

        private List<String> splitFields() {
            JsonNode list = node.get(FIELDS);
            if (list == null || list.isNull()) {
                fail(FIELDS, "required with split; list the destination fields, e.g. fields: [$os, $os_version]");
                return List.of(key);
            }
            if (!list.isArray() || list.size() < 2) {
                fail(FIELDS, "expected a list of two or more destination fields, e.g. [$os, $os_version]");
                return List.of(key);
            }
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String name = list.get(i).asText();
                if (!list.get(i).isTextual() || Whitespace.isBlank(name)) fail(FIELDS + "[" + i + "]", "expected a destination field name");
                else if (fields.contains(name)) fail(FIELDS + "[" + i + "]", "field " + name + " is listed twice; name each part once");
                else fields.add(name);
            }
            return fields.isEmpty() ? List.of(key) : fields;
        }

        private Transform split(int fields) {
            Optional<String> given = text(SPLIT);
            if (given.isEmpty()) return new Transform.Split.NameVersion(); // reported by text()
            String rule = given.get().trim();
            if (rule.equals(NAME_VERSION)) {
                onlyWith(SEPARATOR, false, "split: separator");
                if (fields != 2 && node.path(FIELDS).isArray()) fail(FIELDS, "split: name_version makes two fields (name and version); list two");
                return new Transform.Split.NameVersion();
            }
            if (rule.equals(SEPARATOR)) {
                Optional<String> separator = node.has(SEPARATOR) && node.get(SEPARATOR).isValueNode() && !node.get(SEPARATOR).asText().isEmpty()
                        ? Optional.of(node.get(SEPARATOR).asText()) : Optional.empty();
                if (separator.isEmpty()) fail(SEPARATOR, "required with split: separator; give the text between parts, e.g. separator: \"/\"");
                return new Transform.Split.Separator(separator.orElse("/"));
            }
            fail(SPLIT, "unknown split \"" + rule + "\"; use name_version or separator (with separator: \"/\")");
            return new Transform.Split.NameVersion();
        }

        private Transform constant() {
            JsonNode value = node.get(CONSTANT);
            Object constant;
            if (value.isTextual()) constant = value.asText();
            else if (value.isBoolean()) constant = value.asBoolean();
            else if (value.isIntegralNumber() && value.canConvertToLong()) constant = value.asLong();
            else if (value.isFloatingPointNumber()) constant = value.asDouble();
            else {
                fail(CONSTANT, value.isNumber() ? "a whole number beyond 64 bits; write it in quotes to send it as text"
                        : "expected a single value (text, a number or true/false); to send null, leave the field out");
                constant = "";
            }
            return new Transform.Constant(constant);
        }

        private Transform template() {
            Optional<String> text = node.get(TEMPLATE).isTextual() ? Optional.of(node.get(TEMPLATE).asText()) : Optional.empty();
            if (text.isEmpty()) {
                fail(TEMPLATE, "expected text with {{column}} placeholders, e.g. \"{{first_name}} {{last_name}}\"");
                return new Transform.Template("");
            }
            try {
                return new Transform.Template(text.get());
            } catch (IllegalArgumentException e) {
                fail(TEMPLATE, e.getMessage() + "; write each column as {{column}}");
                return new Transform.Template("");
            }
        }

        private Optional<String> text(String setting) {
            JsonNode v = node.get(setting);
            if (v == null) return Optional.empty();
            if (!v.isTextual() || Whitespace.isBlank(v.asText())) {
                fail(setting, "expected a non-empty text value");
                return Optional.empty();
            }
            return Optional.of(v.asText());
        }

        private boolean bool(String setting) {
            if (!node.get(setting).isBoolean()) fail(setting, "expected true or false");
            return node.get(setting).asBoolean();
        }

        private void fail(String setting, String message) {
            failed = true;
            error.accept(setting == null ? path : path + "." + setting, message);
        }
    }
}
