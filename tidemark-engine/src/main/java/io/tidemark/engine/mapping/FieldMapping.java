package io.tidemark.engine.mapping;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A diff sync's {@code field_mapping}: which destination fields are sent, made from which model columns and how
 * (docs/transforms.md). Empty means every model column under its own name. Immutable; two mappings are equal when
 * they have the same entries, whatever their order (as YAML mappings).
 *
 * @param entries by {@link MappedField#key}, in the order given
 */
public record FieldMapping(Map<String, MappedField> entries) {
    /** No {@code field_mapping}: every model column, same name. */
    public static final FieldMapping NONE = new FieldMapping(Map.of());

    public FieldMapping {
        entries.forEach((key, entry) -> {
            if (!key.equals(entry.key())) throw new IllegalArgumentException("entry " + entry.key() + " filed under key " + key);
        });
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** The mapping of {@code fields}, in their order; keys must be distinct. */
    public static FieldMapping of(List<MappedField> fields) {
        Map<String, MappedField> entries = new LinkedHashMap<>();
        for (MappedField f : fields) {
            if (entries.putIfAbsent(f.key(), f) != null) throw new IllegalArgumentException("two entries for key " + f.key());
        }
        return new FieldMapping(entries);
    }

    public boolean isEmpty() { return entries.isEmpty(); }

    /** The model columns the entries read (their own, and those templates name), in first-use order. */
    public Set<String> columns() {
        Set<String> columns = new LinkedHashSet<>();
        entries.values().forEach(e -> columns.addAll(e.columns()));
        return columns;
    }

    /** The entry that reads {@code column} as its own (not one whose key is a constant's or template's field). */
    private Optional<MappedField> entryOf(String column) {
        return Optional.ofNullable(entries.get(column)).filter(e -> e.column().isPresent());
    }

    /**
     * Why {@code column} cannot find destination records as mapped, if it cannot: a matching column (record_matching,
     * or the primary key by default) is sent as it is, so its entry must be a plain rename.
     */
    public Optional<String> matchingProblem(String column) {
        return entryOf(column).filter(e -> !e.isPlainRename()).map(e -> "column " + column + " finds destination records "
                + "(record_matching, or the primary key when that is not set), so it is sent as it is; map it as a plain rename "
                + "(" + column + ": " + Yaml.scalar(e.fields().getFirst()) + ") without transform, group or drop_empty");
    }

    /**
     * The destination field a matching column is sent as: its rename, or its own name when unmapped. Only for columns
     * without a {@link #matchingProblem}.
     */
    public String matchingField(String column) {
        return entryOf(column).map(e -> e.fields().getFirst()).orElse(column);
    }

    /** This mapping without the entries that read a column {@code kept} refuses. */
    public FieldMapping reading(Predicate<String> kept) {
        Map<String, MappedField> out = new LinkedHashMap<>();
        entries.forEach((key, entry) -> { if (entry.columns().stream().allMatch(kept)) out.put(key, entry); });
        return new FieldMapping(out);
    }

    /** As the workspace would write it: {@code {id: contact_id, time: {field: timestamp, transform: iso8601}}}. */
    @Override
    public String toString() {
        return entries.entrySet().stream().map(e -> Yaml.scalar(e.getKey()) + ": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
