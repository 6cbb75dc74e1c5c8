package io.tidemark.engine.mapping;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Mapping entries compiled against a model schema: the destination columns they make and how a model row becomes
 * those columns' values. Built once per run; {@link #apply} is called per row. Immutable and thread-safe.
 */
public final class RowMapping {
    private final List<Column> columns;
    private final int[] readColumns;
    private final List<Compiled> entries;
    private final Map<String, Integer> columnOfField;

    /** One entry: where its values go in the destination row, and what writes them. */
    private record Compiled(MappedField entry, int at, FieldWriter writer) {}

    @FunctionalInterface
    private interface FieldWriter {
        void write(Object[] modelRow, Object[] out, int at) throws TransformException;
    }

    private RowMapping(List<Column> columns, int[] readColumns, List<Compiled> entries, Map<String, Integer> columnOfField) {
        this.columns = List.copyOf(columns);
        this.readColumns = readColumns;
        this.entries = List.copyOf(entries);
        this.columnOfField = Map.copyOf(columnOfField);
    }

    /**
     * Compiles {@code entries} and {@code patterns} against {@code model}. An optional entry whose column the model
     * lacks is left out. Each pattern becomes a rename (with its group and drop_empty) of every model column it takes:
     * those no entry names (as its own column) whose first matching pattern it is, minus its {@code except}; their
     * fields follow the entries', pattern by pattern, each in the model's column order. A renamed column keeps its
     * type, nullability and native type; transformed fields take their transform's type and are nullable.
     *
     * @param where the start of messages, e.g. {@code sync "events": }
     * @throws TidemarkException {@link ErrorCode#COLUMN_NOT_FOUND} when an entry (not optional) or a template reads a
     *                           column the model lacks; {@link ErrorCode#CONFIG_INVALID} when a pattern would send a
     *                           column as a field another entry or pattern writes
     */
    public static RowMapping compile(List<MappedField> entries, List<ColumnPattern> patterns, StreamSchema model, String where) {
        List<MappedField> applied = new ArrayList<>();
        Map<String, String> writers = new HashMap<>();
        Set<String> named = new HashSet<>();
        for (MappedField entry : entries) {
            entry.column().ifPresent(named::add);
            if (entry.optional() && model.indexOf(entry.column().orElseThrow()) < 0) continue;
            applied.add(entry);
            entry.destinationFields().forEach(f -> writers.putIfAbsent(f, "entry " + entry.key()));
        }
        Map<ColumnPattern, List<String>> taken = new LinkedHashMap<>();
        patterns.forEach(p -> taken.put(p, new ArrayList<>()));
        for (String column : model.columnNames()) {
            if (named.contains(column)) continue;
            ColumnPattern.taking(patterns, column).filter(p -> !p.except().contains(column)).ifPresent(p -> taken.get(p).add(column));
        }
        taken.forEach((pattern, columns) -> columns.forEach(column -> {
            String field = pattern.field(column);
            String other = writers.putIfAbsent(field, "pattern " + Yaml.scalar(pattern.glob()) + " (column " + column + ")");
            if (other != null) {
                throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + "field_mapping pattern " + Yaml.scalar(pattern.glob())
                        + " would send column " + column + " as field \"" + field + "\", which " + other + " writes too; add " + column
                        + " to the pattern's except, or map the column with an entry of its own");
            }
            applied.add(new MappedField(column, Optional.of(column), List.of(column), pattern.group(), new Transform.Rename(),
                    pattern.dropEmpty(), false));
        }));
        return compile(applied, model, where);
    }

    /** The entries, every column present or its absence an error. */
    private static RowMapping compile(List<MappedField> entries, StreamSchema model, String where) {
        List<Column> columns = new ArrayList<>();
        Set<Integer> read = new LinkedHashSet<>();
        List<Compiled> compiled = new ArrayList<>();
        Map<String, Integer> columnOfField = new HashMap<>();
        for (MappedField entry : entries) {
            Column input = entry.column().map(c -> model.column(c).orElseThrow(() -> new TidemarkException(ErrorCode.COLUMN_NOT_FOUND,
                    where + "field_mapping column \"" + c + "\" not found in " + model.id() + " (columns: "
                            + String.join(", ", model.columnNames()) + "); fix field_mapping"))).orElse(null);
            int index = input == null ? -1 : model.indexOf(input.name());
            if (index >= 0) read.add(index);
            DataType type = entry.transform().outputType(input == null ? null : input.type());
            boolean renamed = entry.transform() instanceof Transform.Rename;
            for (String field : entry.destinationFields()) {
                columns.add(renamed ? new Column(field, type, input.nullable(), input.nativeType()) : Column.of(field, type));
                if (index >= 0) columnOfField.put(field, index);
            }
            FieldWriter writer = switch (entry.transform()) {
                case Transform.Rename r -> (row, out, at) -> out[at] = row[index];
                case Transform.Iso8601 t -> (row, out, at) -> out[at] = t.format(row[index]);
                case Transform.ValueMap m -> (row, out, at) -> out[at] = m.apply(text(input.type(), row[index]));
                case Transform.Split s -> {
                    int count = entry.fields().size();
                    yield (row, out, at) -> System.arraycopy(s.apply(text(input.type(), row[index]), count), 0, out, at, count);
                }
                case Transform.Constant k -> (row, out, at) -> out[at] = k.value();
                case Transform.Template t -> template(t, model, where, entry.destinationFields().getFirst(), read);
            };
            compiled.add(new Compiled(entry, columns.size() - entry.fields().size(), writer));
        }
        return new RowMapping(columns, read.stream().mapToInt(Integer::intValue).toArray(), compiled, columnOfField);
    }

    /** A template's pieces as literal text and (column position, type) pairs, appended in order. */
    private static FieldWriter template(Transform.Template template, StreamSchema model, String where, String field, Set<Integer> read) {
        List<Transform.Template.Segment> segments = template.segments();
        String[] literals = new String[segments.size()];
        int[] positions = new int[segments.size()];
        DataType[] types = new DataType[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            switch (segments.get(i)) {
                case Transform.Template.Literal(String text) -> {
                    literals[i] = text;
                    positions[i] = -1;
                }
                case Transform.Template.Ref(String column) -> {
                    positions[i] = model.indexOf(column);
                    if (positions[i] < 0) {
                        throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, where + "the template of field \"" + field + "\" reads column \""
                                + column + "\", which is not in " + model.id() + " (columns: " + String.join(", ", model.columnNames())
                                + "); fix field_mapping");
                    }
                    types[i] = model.columns().get(positions[i]).type();
                    read.add(positions[i]);
                }
            }
        }
        return (row, out, at) -> {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < literals.length; i++) {
                if (positions[i] < 0) {
                    text.append(literals[i]);
                } else if (row[positions[i]] != null) {
                    text.append(text(types[i], row[positions[i]]));
                }
            }
            out[at] = text.toString();
        };
    }

    /** A value as text, in the canonical form Tidemark writes everywhere (ISO 8601 temporals, plain decimals). */
    private static String text(DataType type, Object value) {
        return value == null ? null : Values.format(type, value);
    }

    /** The destination columns, in order: each entry's fields in turn. */
    public List<Column> columns() { return columns; }

    /** The model columns the values are made from (each once, in first-use order): what change tracking compares. */
    public int[] readColumns() { return readColumns.clone(); }

    /** The model column behind a destination field, when the field is made from one column. */
    public OptionalInt columnOf(String field) {
        Integer index = columnOfField.get(field);
        return index == null ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /**
     * Writes the destination values of {@code modelRow} into {@code out} (positions 0 to {@code columns().size() - 1}).
     *
     * @throws TransformException naming the field and the column when a transform cannot apply to the row's value;
     *                            {@code out} is then partly written
     */
    public void apply(Object[] modelRow, Object[] out) throws TransformException {
        for (Compiled c : entries) {
            try {
                c.writer.write(modelRow, out, c.at);
            } catch (TransformException e) {
                throw e.located(c.entry.destinationFields().getFirst(), c.entry.column());
            }
            if (c.entry.dropEmpty()) {
                for (int i = c.at; i < c.at + c.entry.fields().size(); i++) if (isEmpty(out[i])) out[i] = null;
            }
        }
    }

    /** What {@code drop_empty} sends as null: empty or whitespace-only text, and NaN. */
    static boolean isEmpty(Object value) {
        return switch (value) {
            case String s -> Whitespace.isBlank(s);
            case Double d -> d.isNaN();
            case Float f -> f.isNaN();
            case null, default -> false;
        };
    }
}
