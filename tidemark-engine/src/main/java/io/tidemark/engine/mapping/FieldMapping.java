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
import java.util.stream.Stream;

/**
 * A diff sync's {@code field_mapping}: which destination fields are sent, made from which model columns and how
 * (docs/transforms.md). Empty means every model column under its own name. Immutable; two mappings are equal when
 * they have the same entries, whatever their order (as YAML mappings), and the same patterns in the same order (the
 * first pattern that matches a column takes it).
 *
 * @param entries  by {@link MappedField#key}, in the order given
 * @param patterns the entries whose key holds {@code *}, in the order given: they send the columns no entry names
 */
public record FieldMapping(Map<String, MappedField> entries, List<ColumnPattern> patterns) {
    /** No {@code field_mapping}: every model column, same name. */
    public static final FieldMapping NONE = new FieldMapping(Map.of(), List.of());

    public FieldMapping {
        entries.forEach((key, entry) -> {
            if (!key.equals(entry.key())) throw new IllegalArgumentException("entry " + entry.key() + " filed under key " + key);
        });
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        patterns = List.copyOf(patterns);
        if (patterns.stream().map(ColumnPattern::glob).distinct().count() < patterns.size()) {
            throw new IllegalArgumentException("two patterns " + patterns);
        }
    }

    /** The mapping of {@code fields}, in their order; keys must be distinct. */
    public static FieldMapping of(List<MappedField> fields) { return of(fields, List.of()); }

    /** The mapping of {@code fields} and {@code patterns}, each in their order; keys must be distinct. */
    public static FieldMapping of(List<MappedField> fields, List<ColumnPattern> patterns) {
        Map<String, MappedField> entries = new LinkedHashMap<>();
        for (MappedField f : fields) {
            if (entries.putIfAbsent(f.key(), f) != null) throw new IllegalArgumentException("two entries for key " + f.key());
        }
        return new FieldMapping(entries, patterns);
    }

    public boolean isEmpty() { return entries.isEmpty() && patterns.isEmpty(); }

    /**
     * The model columns the entries read (their own, and those templates name), in first-use order; not those the
     * patterns take, which depend on the model (see {@link #reads}).
     */
    public Set<String> columns() {
        Set<String> columns = new LinkedHashSet<>();
        entries.values().forEach(e -> columns.addAll(e.columns()));
        return columns;
    }

    /**
     * Whether a model column named {@code column} would be read: an entry reads it, or no entry names it and the pattern
     * that takes it sends it. The rule of {@link RowMapping#compile}, for one name.
     */
    public boolean reads(String column) {
        // Not among the columns read, so no entry names it: the patterns decide.
        return columns().contains(column) || ColumnPattern.taking(patterns, column).filter(p -> !p.except().contains(column)).isPresent();
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

    /**
     * This mapping without the entries that read a column {@code kept} refuses; the patterns stay, as they take only
     * the columns the model has.
     */
    public FieldMapping reading(Predicate<String> kept) {
        Map<String, MappedField> out = new LinkedHashMap<>();
        entries.forEach((key, entry) -> { if (entry.columns().stream().allMatch(kept)) out.put(key, entry); });
        return new FieldMapping(out, patterns);
    }

    /**
     * As the workspace would write it, the entries then the patterns:
     * {@code {id: contact_id, time: {field: timestamp, transform: iso8601}, "*": {group: $set}}}.
     */
    @Override
    public String toString() {
        return Stream.concat(entries.entrySet().stream().map(e -> Yaml.scalar(e.getKey()) + ": " + e.getValue()),
                patterns.stream().map(p -> Yaml.scalar(p.glob()) + ": " + p)).collect(Collectors.joining(", ", "{", "}"));
    }
}
