package io.tidemark.connector.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A JSON body template: a JSON value whose strings are {@link Template}s. A string that is exactly one placeholder
 * ({@code "{{email}}"}) becomes that value as JSON (a number stays a number, a JSON column a nested object); other
 * strings with placeholders are interpolated as text. Keys are literal.
 */
sealed interface JsonTemplate {
    /** A value without placeholders, written as it is. */
    record Literal(JsonNode value) implements JsonTemplate {}

    record Obj(List<Map.Entry<String, JsonTemplate>> fields) implements JsonTemplate {
        public Obj {
            fields = List.copyOf(fields);
        }
    }

    record Arr(List<JsonTemplate> items) implements JsonTemplate {
        public Arr {
            items = List.copyOf(items);
        }
    }

    /** A string exactly one placeholder: the value it names, as JSON. */
    record Value(Template.Name name) implements JsonTemplate {}

    /** A string interpolating placeholders as text. */
    record Text(Template template) implements JsonTemplate {}

    /** @throws IllegalArgumentException for a malformed placeholder */
    static JsonTemplate parse(JsonNode node) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonTemplate>> fields = new ArrayList<>();
            node.properties().forEach(e -> fields.add(Map.entry(e.getKey(), parse(e.getValue()))));
            return new Obj(fields);
        }
        if (node.isArray()) {
            List<JsonTemplate> items = new ArrayList<>();
            node.forEach(item -> items.add(parse(item)));
            return new Arr(items);
        }
        if (node.isTextual()) {
            Template template = Template.parse(node.textValue());
            if (template.isLiteral()) return new Literal(node);
            return template.sole().<JsonTemplate>map(Value::new).orElseGet(() -> new Text(template));
        }
        return new Literal(node);
    }

    /** Every placeholder name, with whether it stands alone as a value ({@code true}) or sits inside text. */
    default Stream<Map.Entry<Template.Name, Boolean>> names() {
        return switch (this) {
            case Literal l -> Stream.empty();
            case Obj o -> o.fields().stream().flatMap(f -> f.getValue().names());
            case Arr a -> a.items().stream().flatMap(JsonTemplate::names);
            case Value v -> Stream.of(Map.entry(v.name(), true));
            case Text t -> t.template().names().map(n -> Map.entry(n, false));
        };
    }
}
