package io.tidemark.connector.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tidemark.api.DataType;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a record's fields nest as one JSON object: a field name with dots ({@code $set.email}, as transform groups make)
 * is a path, so {@code $set.email} and {@code $set.name} become {@code {"$set": {"email": …, "name": …}}}. Fields keep
 * their order; a name with an empty segment ({@code a..b}) is kept whole.
 */
final class RecordShape {
    /**
     * One field of the record: its position in the row and where it goes in the object.
     *
     * @param asText send the value as a JSON string (its canonical text) whatever its type, e.g. an identifier that an
     *               API compares as text
     */
    record Entry(int column, DataType type, String field, List<String> path, boolean asText) {
        Entry {
            path = List.copyOf(path);
        }

        /** A field placed by its own name, dots nesting, sent as its type's JSON value. */
        static Entry of(int column, DataType type, String field) { return new Entry(column, type, field, RecordShape.path(field), false); }

        /** A field placed by its own name, dots nesting, sent as text. */
        static Entry text(int column, DataType type, String field) { return new Entry(column, type, field, RecordShape.path(field), true); }
    }

    private final Map<String, Object> root;

    private RecordShape(Map<String, Object> root) { this.root = root; }

    /** @throws IllegalArgumentException when one field's path runs through another's value ({@code a} and {@code a.b}) */
    static RecordShape of(List<Entry> entries) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Entry e : entries) {
            Map<String, Object> node = root;
            for (int i = 0; i < e.path().size() - 1; i++) {
                Object child = node.computeIfAbsent(e.path().get(i), k -> new LinkedHashMap<String, Object>());
                if (child instanceof Entry value) throw clash(e.field(), value.field());
                node = branch(child);
            }
            Object previous = node.putIfAbsent(e.path().getLast(), e);
            if (previous != null) throw clash(e.field(), previous instanceof Entry p ? p.field() : String.join(".", e.path()) + ".…");
        }
        return new RecordShape(root);
    }

    static List<String> path(String field) {
        List<String> parts = List.of(field.split("\\.", -1));
        return parts.stream().anyMatch(String::isEmpty) ? List.of(field) : parts;
    }

    /**
     * Writes the record as one object.
     *
     * @param skipNulls leave out null fields, and objects left empty by that
     */
    void write(JsonGenerator g, Object[] row, boolean skipNulls) throws IOException {
        write(g, root, row, skipNulls);
    }

    /** A node of the tree is an {@link Entry} (a field's value) or a map of names to nodes (an object). */
    private static void write(JsonGenerator g, Map<String, Object> node, Object[] row, boolean skipNulls) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> child : node.entrySet()) {
            if (child.getValue() instanceof Entry e) {
                Object value = row[e.column()];
                if (value == null && skipNulls) continue;
                g.writeFieldName(child.getKey());
                if (e.asText() && value != null) g.writeString(JsonValues.text(e.type(), value));
                else JsonValues.write(g, e.field(), e.type(), value);
            } else {
                Map<String, Object> branch = branch(child.getValue());
                if (skipNulls && !hasValue(branch, row)) continue;
                g.writeFieldName(child.getKey());
                write(g, branch, row, skipNulls);
            }
        }
        g.writeEndObject();
    }

    private static boolean hasValue(Map<String, Object> node, Object[] row) {
        for (Object child : node.values()) {
            if (child instanceof Entry e ? row[e.column()] != null : hasValue(branch(child), row)) return true;
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> branch(Object node) { return (Map<String, Object>) node; }

    private static IllegalArgumentException clash(String a, String b) {
        return new IllegalArgumentException("fields \"" + b + "\" and \"" + a + "\" clash: one would be a value and an object at once");
    }
}
