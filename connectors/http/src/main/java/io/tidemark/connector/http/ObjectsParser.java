package io.tidemark.connector.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ChangeClass;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads the {@code objects} setting of an {@code http} connection into {@link ApiObject}s, reporting every problem
 * with its path ({@code objects.contacts.added.method}). Which fields a template names can only be checked against
 * a sync's fields, when a writer opens; everything else is checked here.
 */
final class ObjectsParser {
    static final String OBJECTS = "objects";
    private static final String HEADERS = "headers";
    private static final List<String> OBJECT_KEYS = List.of("added", "changed", "removed", HEADERS);
    private static final List<String> REQUEST_KEYS = List.of("method", "url", HEADERS, "body", "batch", "results");
    private static final List<String> BATCH_KEYS = List.of("size", "format", "envelope");
    private static final List<String> RESULTS_KEYS = List.of("items", "error", "status");
    private static final List<String> METHODS = List.of("POST", "PUT", "PATCH", "DELETE");
    /** Headers the JDK's client sets itself and refuses to take from a caller. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

    /** Where a template sits, which decides the placeholders it may hold. */
    private enum Place {
        /** A URL or header of a per-record request: fields and secrets. */
        RECORD_TEXT,
        /** A URL or header of a batch request: secrets only. */
        BATCH_TEXT,
        /** A record's body: fields, secrets, and {@code {{record}}} as a whole value. */
        BODY,
        /** A batch envelope: secrets, and {@code {{records}}} as a whole value, once. */
        ENVELOPE
    }

    private final SettingsReader settings;
    private final URI baseUrl;
    private final Set<String> secretsSet;

    private ObjectsParser(SettingsReader settings, URI baseUrl, Set<String> secretsSet) {
        this.settings = settings;
        this.baseUrl = baseUrl;
        this.secretsSet = secretsSet;
    }

    /**
     * @param secretsSet the secret settings that have a value, which templates may reference
     * @return the objects by name; incomplete when {@code settings} collected errors
     */
    static Map<String, ApiObject> parse(SettingsReader settings, URI baseUrl, Set<String> secretsSet) {
        String json = settings.required(OBJECTS, "(a mapping of the API objects syncs write to, each with its requests)");
        if (json.isEmpty()) return Map.of();
        JsonNode root;
        try {
            root = JsonValues.MAPPER.readTree(json);
        } catch (JacksonException e) {
            settings.error(OBJECTS, "not readable as a mapping: " + e.getOriginalMessage());
            return Map.of();
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            settings.error(OBJECTS, "expected a mapping of object names (the sync's table) to their requests, e.g. "
                    + "contacts: { added: { method: POST, url: /contacts } }");
            return Map.of();
        }
        ObjectsParser parser = new ObjectsParser(settings, baseUrl, secretsSet);
        Map<String, ApiObject> objects = new LinkedHashMap<>();
        root.properties().forEach(e -> parser.object(e.getKey(), e.getValue(), OBJECTS + "." + e.getKey())
                .ifPresent(o -> objects.put(o.name(), o)));
        return objects;
    }

    private Optional<ApiObject> object(String name, JsonNode node, String path) {
        if (!mapping(node, path, "the requests of added, changed and removed records")) return Optional.empty();
        unknownKeys(node, path, OBJECT_KEYS);
        List<ApiObject.Header> shared = headers(node.get(HEADERS), path + "." + HEADERS);
        Map<ChangeClass, ApiObject.Request> requests = new EnumMap<>(ChangeClass.class);
        for (ChangeClass change : ChangeClass.values()) {
            JsonNode request = node.get(change.configName());
            if (request != null) request(request, path + "." + change.configName(), shared).ifPresent(r -> requests.put(change, r));
        }
        if (!node.has("added") && !node.has("changed") && !node.has("removed")) {
            settings.error(path, "no request; add added, changed or removed (each with method and url)");
        }
        return Optional.of(new ApiObject(name, requests));
    }

    private Optional<ApiObject.Request> request(JsonNode node, String path, List<ApiObject.Header> shared) {
        if (!mapping(node, path, "method, url and optionally headers, body, batch, results")) return Optional.empty();
        int errorsBefore = settings.errorCount();
        unknownKeys(node, path, REQUEST_KEYS);
        Optional<ApiObject.Batch> batch = batch(node.get("batch"), path + ".batch");
        Place text = batch.isPresent() || node.has("batch") ? Place.BATCH_TEXT : Place.RECORD_TEXT;

        String method = text(node, "method", path).map(m -> m.trim().toUpperCase(Locale.ROOT)).orElse("");
        if (node.has("method") && !method.isEmpty() && !METHODS.contains(method)) {
            settings.error(path + ".method", "\"" + node.get("method").asText() + "\" is not a method Tidemark sends; use one of "
                    + String.join(", ", METHODS));
        } else if (!node.has("method")) {
            settings.error(path + ".method", "required; one of " + String.join(", ", METHODS));
        }

        Optional<Template> url = text(node, "url", path).flatMap(u -> template(u, path + ".url", text));
        if (!node.has("url")) settings.error(path + ".url", "required; a path relative to base_url (/contacts/{{id}}) or an absolute URL");
        url.ifPresent(u -> checkUrl(u, path + ".url"));

        List<ApiObject.Header> headers = new ArrayList<>(shared);
        for (ApiObject.Header own : headers(node.get(HEADERS), path + "." + HEADERS)) {
            headers.removeIf(h -> h.name().equalsIgnoreCase(own.name()));
            headers.add(own);
        }
        for (ApiObject.Header h : headers) {
            if (text == Place.BATCH_TEXT && h.value().names().anyMatch(n -> n instanceof Template.Field)) {
                settings.error(path + ".batch", "a batch request carries several records, so its headers cannot name a field ("
                        + h.name() + ": " + h.value().source() + "); name fields in the body");
            }
        }

        Optional<JsonTemplate> body = Optional.empty();
        if (node.has("body")) {
            body = json(node.get("body"), path + ".body", Place.BODY);
        } else if (!method.equals("DELETE") || text == Place.BATCH_TEXT) {
            body = Optional.of(new JsonTemplate.Value(new Template.WholeRecord()));
        }

        Optional<ApiObject.Results> results = results(node.get("results"), path + ".results");
        if (node.has("results") && text != Place.BATCH_TEXT) {
            settings.error(path + ".results", "results reads one outcome per record of a batch response; add batch, or remove results");
        }
        if (settings.errorCount() > errorsBefore) return Optional.empty();
        return Optional.of(new ApiObject.Request(path, method, url.orElseThrow(), headers, body, batch, results));
    }

    private List<ApiObject.Header> headers(JsonNode node, String path) {
        if (node == null || !mapping(node, path, "header names to values, e.g. X-Source: tidemark")) return List.of();
        List<ApiObject.Header> headers = new ArrayList<>();
        node.properties().forEach(e -> {
            String at = path + "." + e.getKey();
            headerNameProblem(e.getKey()).ifPresent(p -> settings.error(at, p));
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                settings.error(at, "expected a text value");
                return;
            }
            template(e.getValue().asText(), at, Place.RECORD_TEXT).ifPresent(t -> {
                t.parts().forEach(p -> {
                    if (p instanceof Template.Literal l) {
                        HeaderValues.unsendable(l.text()).ifPresent(problem -> settings.error(at, "holds " + problem
                                + ", which an HTTP header cannot carry; remove it"));
                    }
                });
                headers.add(new ApiObject.Header(e.getKey(), t));
            });
        });
        return headers;
    }

    /** Why {@code name} cannot be a request header, if it cannot. */
    static Optional<String> headerNameProblem(String name) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0)) {
            return Optional.of("\"" + name + "\" is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
        }
        if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            return Optional.of("the HTTP client sets " + name + " itself; remove it");
        }
        return Optional.empty();
    }

    private Optional<ApiObject.Batch> batch(JsonNode node, String path) {
        if (node == null || !mapping(node, path, "size, format (json_array or ndjson) and envelope, each optional")) return Optional.empty();
        unknownKeys(node, path, BATCH_KEYS);
        OptionalInt size = OptionalInt.empty();
        JsonNode sizeNode = node.get("size");
        if (sizeNode != null) {
            if (sizeNode.canConvertToInt() && sizeNode.isIntegralNumber() && sizeNode.intValue() >= 1) size = OptionalInt.of(sizeNode.intValue());
            else settings.error(path + ".size", "expected a whole number of records per request, 1 or more, got " + sizeNode);
        }
        ApiObject.Format format = ApiObject.Format.JSON_ARRAY;
        Optional<String> formatText = text(node, "format", path);
        if (formatText.isPresent()) {
            switch (formatText.get().trim().toLowerCase(Locale.ROOT)) {
                case "json_array" -> format = ApiObject.Format.JSON_ARRAY;
                case "ndjson" -> format = ApiObject.Format.NDJSON;
                default -> settings.error(path + ".format", "\"" + formatText.get() + "\" is not a batch format; use json_array or ndjson");
            }
        }
        Optional<JsonTemplate> envelope = Optional.empty();
        if (node.has("envelope")) {
            if (format == ApiObject.Format.NDJSON) {
                settings.error(path + ".envelope", "an ndjson body is one record per line and has no envelope; remove envelope or use format json_array");
            } else {
                envelope = json(node.get("envelope"), path + ".envelope", Place.ENVELOPE);
                envelope.ifPresent(e -> {
                    long records = e.names().filter(n -> n.getKey() instanceof Template.Records).count();
                    if (records != 1) {
                        settings.error(path + ".envelope", "must hold \"{{records}}\" exactly once, where the array of records goes"
                                + " (it holds it " + records + " times)");
                    }
                });
            }
        }
        return Optional.of(new ApiObject.Batch(size, format, envelope));
    }

    private Optional<ApiObject.Results> results(JsonNode node, String path) {
        if (node == null || !mapping(node, path, "items and one of error or status (JSON pointers)")) return Optional.empty();
        unknownKeys(node, path, RESULTS_KEYS);
        Optional<JsonPointer> items = pointer(node, "items", path);
        if (!node.has("items")) settings.error(path + ".items", "required; the JSON pointer to the array of per-record results, e.g. /results");
        Optional<JsonPointer> error = pointer(node, "error", path);
        Optional<JsonPointer> status = pointer(node, "status", path);
        if (node.has("error") == node.has("status")) {
            settings.error(path, "set exactly one of error (pointer to an item's error) or status (pointer to an item's status)");
            return Optional.empty();
        }
        Optional<ApiObject.Judge> judge = error.<ApiObject.Judge>map(ApiObject.Judge.ByError::new)
                .or(() -> status.map(ApiObject.Judge.ByStatus::new));
        return items.flatMap(i -> judge.map(j -> new ApiObject.Results(i, j)));
    }

    private Optional<JsonPointer> pointer(JsonNode node, String key, String path) {
        return text(node, key, path).flatMap(p -> {
            try {
                return Optional.of(JsonPointer.compile(p));
            } catch (IllegalArgumentException e) {
                settings.error(path + "." + key, "\"" + p + "\" is not a JSON pointer (" + e.getMessage() + "); write it as /results or /items/0/error");
                return Optional.empty();
            }
        });
    }

    private Optional<Template> template(String text, String path, Place place) {
        try {
            Template template = Template.parse(text);
            template.names().forEach(name -> checkName(name, false, path, place));
            return Optional.of(template);
        } catch (IllegalArgumentException e) {
            settings.error(path, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<JsonTemplate> json(JsonNode node, String path, Place place) {
        try {
            JsonTemplate template = JsonTemplate.parse(node);
            template.names().forEach(n -> checkName(n.getKey(), n.getValue(), path, place));
            return Optional.of(template);
        } catch (IllegalArgumentException e) {
            settings.error(path, e.getMessage());
            return Optional.empty();
        }
    }

    /** @param whole the placeholder is a whole JSON string value rather than part of a text */
    private void checkName(Template.Name name, boolean whole, String path, Place place) {
        switch (name) {
            case Template.Secret s -> {
                if (!Auth.SECRETS.contains(s.setting())) {
                    settings.error(path, s + " names no secret setting; use one of " + String.join(", ", Auth.SECRETS.stream().map(n -> "{{secret." + n + "}}").toList()));
                } else if (!secretsSet.contains(s.setting())) {
                    settings.error(path, s + " names " + s.setting() + ", which is not set; add " + s.setting() + " to the connection");
                }
            }
            case Template.Field f -> {
                if (place == Place.BATCH_TEXT) {
                    settings.error(path, "a batch request carries several records, so its URL cannot name a field (" + f + "); name fields in the body");
                } else if (place == Place.ENVELOPE) {
                    settings.error(path, "an envelope holds the records of a request as \"{{records}}\", not one record's field (" + f + "); name fields in body");
                }
            }
            case Template.WholeRecord r -> {
                if (place != Place.BODY) {
                    settings.error(path, "{{record}} stands for a whole record, which only a body can hold");
                } else if (!whole) {
                    settings.error(path, "{{record}} is an object and cannot sit inside text; write it as the whole value: \"{{record}}\"");
                }
            }
            case Template.Records r -> {
                if (place != Place.ENVELOPE) {
                    settings.error(path, "{{records}} belongs in batch.envelope (the array of a batch request's records); in a body use {{record}}");
                } else if (!whole) {
                    settings.error(path, "{{records}} is an array and cannot sit inside text; write it as the whole value: \"{{records}}\"");
                }
            }
        }
    }

    /** A URL whose placeholders are filled must be a URL: relative to base_url, or absolute. */
    private void checkUrl(Template url, String path) {
        StringBuilder sample = new StringBuilder();
        for (Template.Part part : url.parts()) sample.append(part instanceof Template.Literal l ? l.text() : "x");
        String text = sample.toString().trim();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            SettingsReader.httpUrlProblem(text).ifPresent(p -> settings.error(path, p));
            return;
        }
        try {
            new URI(ApiRequest.join(baseUrl.toString(), text));
        } catch (URISyntaxException e) {
            settings.error(path, "\"" + url.source() + "\" does not make a URL with base_url (" + e.getReason()
                    + "); percent-encode special characters, e.g. a space as %20");
        }
    }

    private Optional<String> text(JsonNode node, String key, String path) {
        JsonNode value = node.get(key);
        if (value == null) return Optional.empty();
        if (!value.isTextual()) {
            settings.error(path + "." + key, "expected text, got " + value);
            return Optional.empty();
        }
        return Optional.of(value.textValue());
    }

    private boolean mapping(JsonNode node, String path, String expected) {
        if (node.isObject()) return true;
        settings.error(path, "expected a mapping: " + expected);
        return false;
    }

    private void unknownKeys(JsonNode node, String path, List<String> known) {
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) settings.error(path + "." + key, "unknown setting; known: " + String.join(", ", known));
        });
    }
}
