package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.Values;

/**
 * Renders the field values of sample and test rows for a terminal, from their JSON (see
 * {@code ApiJson.fieldValues}).
 */
final class FieldValues {
    private FieldValues() {}

    /**
     * For a terminal: canonical text on one line (line breaks and tabs escaped), long values
     * shortened, {@code NULL} for null.
     */
    static String text(JsonNode value) {
        if (value == null || value.isNull()) return "NULL";
        String text = value.isValueNode() ? value.asText() : value.toString();
        return Values.abbreviate(text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"));
    }
}
