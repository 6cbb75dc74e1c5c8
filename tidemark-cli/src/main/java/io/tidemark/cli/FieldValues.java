package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.DataType;
import io.tidemark.api.Values;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the field values of sample and test rows. The engine hands them over as plain Java values; each
 * {@link DataType.Kind} has its own Java class (string and JSON share {@link String}, and their text is the same), so
 * the kind — and with it the canonical text of {@link Values#format} — follows from the value.
 */
final class FieldValues {
    private FieldValues() {}

    /**
     * For JSON: integers and booleans as JSON numbers and booleans, null as null, everything else as its canonical text
     * (so decimals keep every digit and timestamps read the same as in checkpoints and files).
     */
    static Map<String, Object> json(Map<String, Object> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((name, value) -> out.put(name,
                value == null || value instanceof Boolean || value instanceof Short || value instanceof Integer
                        || value instanceof Long ? value : canonical(value)));
        return out;
    }

    /**
     * For a terminal, from the JSON above: canonical text on one line (line breaks and tabs escaped), long values
     * shortened, {@code NULL} for null.
     */
    static String text(JsonNode value) {
        if (value == null || value.isNull()) return "NULL";
        String text = value.isValueNode() ? value.asText() : value.toString();
        return Values.abbreviate(text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"));
    }

    private static String canonical(Object value) {
        DataType.Kind kind = Arrays.stream(DataType.Kind.values()).filter(k -> k.javaType().isInstance(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a value of any Tidemark type: " + value.getClass().getName()));
        return Values.format(DataType.of(kind), value);
    }
}
