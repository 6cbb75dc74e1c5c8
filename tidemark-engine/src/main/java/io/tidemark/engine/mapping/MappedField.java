package io.tidemark.engine.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One entry of a sync's {@code field_mapping}: the model column it reads, the destination field(s) it writes and the
 * transform between them.
 *
 * @param key       the entry's key in the workspace: the model column it reads, or (for {@link Transform.Constant} and
 *                  {@link Transform.Template}, which read none) the destination field
 * @param column    the model column read (the key); empty for constants and templates
 * @param fields    the destination fields written, before {@code group}: one, or a {@link Transform.Split}'s parts
 * @param group     when present, each field is sent as {@code group.field} ({@code $set_once.$initial_browser})
 * @param transform what is done to the value
 * @param dropEmpty whether empty or whitespace-only text and NaN are sent as null
 * @param optional  whether the entry is skipped when the model lacks its column (rather than being an error); only for
 *                  entries that read a column
 */
public record MappedField(String key, Optional<String> column, List<String> fields, Optional<String> group, Transform transform,
                          boolean dropEmpty, boolean optional) {
    public MappedField {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(column, "column");
        fields = List.copyOf(fields);
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(transform, "transform");
        if (fields.isEmpty() || fields.size() > 1 && !(transform instanceof Transform.Split)) {
            throw new IllegalArgumentException("entry " + key + ": a split writes one field or more, any other transform exactly one");
        }
        boolean readsNoColumn = transform instanceof Transform.Constant || transform instanceof Transform.Template;
        if (column.isEmpty() != readsNoColumn) {
            throw new IllegalArgumentException("entry " + key + ": constants and templates read no column, every other transform one");
        }
        if (optional && readsNoColumn) throw new IllegalArgumentException("entry " + key + ": only an entry that reads a column can be optional");
    }

    /** {@code column: field}: the column's value as it is, under another name. */
    public static MappedField rename(String column, String field) {
        return new MappedField(column, Optional.of(column), List.of(field), Optional.empty(), new Transform.Rename(), false, false);
    }

    /** Whether the entry sends its column's value as it is, under a field name of its own (no transform, group or drop_empty). */
    public boolean isPlainRename() {
        return transform instanceof Transform.Rename && group.isEmpty() && !dropEmpty;
    }

    /** The destination fields written, in order, with the group prefix. */
    public List<String> destinationFields() {
        return group.map(g -> fields.stream().map(f -> g + "." + f).toList()).orElse(fields);
    }

    /** The model columns the entry reads: its column, or the columns a template names. */
    public Set<String> columns() {
        if (transform instanceof Transform.Template t) return t.columns();
        return column.map(Set::of).orElse(Set.of());
    }

    /** As the workspace would write it: {@code Email}, or {@code {field: timestamp, transform: iso8601}}. */
    @Override
    public String toString() {
        if (isPlainRename() && !optional) return Yaml.scalar(fields.getFirst());
        List<String> parts = new ArrayList<>();
        if (column.isPresent() && !(transform instanceof Transform.Split) && !fields.getFirst().equals(key)) {
            parts.add("field: " + Yaml.scalar(fields.getFirst()));
        }
        if (!transform.yaml().isEmpty()) parts.add(transform.yaml());
        if (transform instanceof Transform.Split) {
            parts.add("fields: " + fields.stream().map(Yaml::scalar).collect(Collectors.joining(", ", "[", "]")));
        }
        group.ifPresent(g -> parts.add("group: " + Yaml.scalar(g)));
        if (dropEmpty) parts.add("drop_empty: true");
        if (optional) parts.add("optional: true");
        return "{" + String.join(", ", parts) + "}";
    }
}
