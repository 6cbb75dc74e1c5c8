package io.tidemark.engine.diff;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.config.DeleteBehavior;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.mapping.FieldMapping;
import io.tidemark.engine.mapping.MappedField;
import io.tidemark.engine.mapping.RowMapping;
import io.tidemark.engine.mapping.TransformException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How a diff sync's model rows become destination records: which destination fields are sent, made from which model
 * columns and how ({@code field_mapping}, transforms included), which fields find a row's record
 * ({@code record_matching}), and the destination schema those make. Computed from the settings and the model's schema.
 *
 * @param model        the model schema, primary key set
 * @param keyColumns   the primary key's positions in the model: the snapshot's identity of a row
 * @param sentColumns  the model columns the sent fields are made from (mapped, read by templates, taken by patterns,
 *                     matching), each once in first-use order; only these are compared
 * @param matchColumns the model columns whose values find the destination record, in {@code destination}'s key order
 * @param mapping      the mapping compiled against the model: the sent fields and how each row becomes their values
 * @param destination  the destination's schema: the sent fields, primary key = the matching fields, plus
 *                     {@link SystemColumns#DELETED_AT} for soft deletes
 */
public record ChangeShape(StreamSchema model, int[] keyColumns, int[] sentColumns, int[] matchColumns, RowMapping mapping,
                          StreamSchema destination, boolean softDelete) {

    /**
     * @throws TidemarkException {@link ErrorCode#COLUMN_NOT_FOUND} for a key, mapped, template or matching column the
     *                           model lacks; {@link ErrorCode#CONFIG_INVALID} when the settings contradict each other
     */
    public static ChangeShape of(SyncConfig sync, StreamSchema modelSchema) {
        String where = "sync \"" + sync.name() + "\": ";
        StreamSchema model = modelSchema.withPrimaryKey(sync.primaryKey());
        int[] key = sync.primaryKey().stream().mapToInt(c -> position(model, c, where, "primary key column", "primary_key")).toArray();

        FieldMapping mapping = sync.fieldMapping();
        Map<String, String> matching = new LinkedHashMap<>();
        if (sync.recordMatching().isEmpty()) {
            sync.primaryKey().forEach(c -> matching.put(c, mapping.matchingField(c)));
        } else {
            matching.putAll(sync.recordMatching());
        }
        List<MappedField> entries = new ArrayList<>(mapping.isEmpty()
                ? model.columnNames().stream().map(c -> MappedField.rename(c, c)).toList() : mapping.entries().values());
        matching.forEach((column, field) -> {
            position(model, column, where, "record_matching column", "record_matching");
            mapping.matchingProblem(column).ifPresent(problem -> {
                throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + problem);
            });
            Optional<MappedField> mapped = entries.stream().filter(e -> e.column().equals(Optional.of(column))).findFirst();
            if (mapped.isEmpty()) {
                entries.add(MappedField.rename(column, field));
            } else if (!mapped.get().fields().getFirst().equals(field)) {
                throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + "column " + column + " is mapped to field "
                        + mapped.get().fields().getFirst() + " but matched on field " + field + "; use one field name in field_mapping and record_matching");
            }
        });

        RowMapping rows = RowMapping.compile(entries, mapping.patterns(), model, where);
        Set<String> names = new HashSet<>();
        List<Column> columns = new ArrayList<>();
        for (Column c : rows.columns()) {
            if (!names.add(c.name()) || c.name().equals(SystemColumns.DELETED_AT)) {
                throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + "destination field " + c.name() + " is written twice ("
                        + (c.name().equals(SystemColumns.DELETED_AT) ? "it is Tidemark's soft-delete column" : "by two entries")
                        + "); give it another name in field_mapping or record_matching");
            }
            // A field that finds records always has a value.
            columns.add(matching.containsValue(c.name()) ? new Column(c.name(), c.type(), false, c.nativeType()) : c);
        }
        boolean softDelete = sync.deleteBehavior() == DeleteBehavior.SOFT_DELETE;
        if (softDelete) columns.add(Column.of(SystemColumns.DELETED_AT, DataType.TIMESTAMPTZ));
        int[] match = matching.keySet().stream().mapToInt(model::indexOf).toArray();
        StreamSchema destination = new StreamSchema(sync.target(), columns, List.copyOf(matching.values()), model.nativeDialect());
        return new ChangeShape(model, key, rows.readColumns(), match, rows, destination, softDelete);
    }

    private static int position(StreamSchema model, String column, String where, String what, String setting) {
        int index = model.indexOf(column);
        if (index < 0) {
            throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, where + what + " \"" + column + "\" not found in "
                    + model.id() + " (columns: " + String.join(", ", model.columnNames()) + "); fix " + setting);
        }
        return index;
    }

    /** True when the matching fields are the primary key: a removed row's key alone finds its record. */
    public boolean matchIsKey() {
        return Arrays.equals(Arrays.stream(matchColumns).sorted().toArray(), Arrays.stream(keyColumns).sorted().toArray());
    }

    /**
     * The destination record of a model row: the sent fields, and a null {@link SystemColumns#DELETED_AT} (it is live).
     *
     * @throws TransformException when a transform cannot apply to the row's value: the row cannot be sent as it is
     */
    public Object[] toDestination(Object[] modelRow) throws TransformException {
        Object[] out = new Object[destination.columns().size()];
        mapping.apply(modelRow, out);
        return out;
    }

    /** The model column a destination field is made from, when it is made from one (not a constant or template). */
    public OptionalInt columnOf(String field) { return mapping.columnOf(field); }

    /** The matching fields only: rows of a delete. */
    public StreamSchema matchSchema() { return project(destination.primaryKey()); }

    /** Matching fields plus every other sent field: rows of a clear-fields update, sent as nulls. */
    public StreamSchema clearSchema() {
        List<String> names = new ArrayList<>(destination.primaryKey());
        destination.columnNames().stream().filter(n -> !names.contains(n) && !n.equals(SystemColumns.DELETED_AT)).forEach(names::add);
        return project(names);
    }

    /** Matching fields plus {@link SystemColumns#DELETED_AT}: rows of a soft delete. */
    public StreamSchema softDeleteSchema() {
        List<String> names = new ArrayList<>(destination.primaryKey());
        names.add(SystemColumns.DELETED_AT);
        return project(names);
    }

    /** The model's primary key values of a row, in key order. */
    public List<Object> key(Object[] modelRow) {
        List<Object> values = new ArrayList<>(keyColumns.length);
        for (int k : keyColumns) values.add(modelRow[k]);
        return values;
    }

    private StreamSchema project(List<String> names) {
        return new StreamSchema(destination.id(), names.stream().map(n -> destination.column(n).orElseThrow()).toList(),
                destination.primaryKey(), destination.nativeDialect());
    }
}
