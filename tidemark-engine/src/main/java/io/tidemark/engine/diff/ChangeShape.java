package io.tidemark.engine.diff;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.config.DeleteBehavior;
import io.tidemark.engine.config.SyncConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a diff sync's model rows become destination records: which model columns are sent under which field names
 * ({@code field_mapping}), which fields find a row's record ({@code record_matching}), and the destination schema
 * those make. Pure: computed from the settings and the model's schema.
 *
 * @param model       the model schema, primary key set
 * @param keyColumns  the primary key's positions in the model: the snapshot's identity of a row
 * @param sentColumns the model columns sent (mapped and matching), in destination order; only these are compared
 * @param matchColumns the model columns whose values find the destination record, in {@code destination}'s key order
 * @param destination the destination's schema: sent fields renamed, primary key = the matching fields, plus
 *                    {@link SystemColumns#DELETED_AT} for soft deletes
 */
public record ChangeShape(StreamSchema model, int[] keyColumns, int[] sentColumns, int[] matchColumns, StreamSchema destination,
                          boolean softDelete) {

    public static ChangeShape of(SyncConfig sync, StreamSchema modelSchema) {
        String where = "sync \"" + sync.name() + "\": ";
        StreamSchema model = modelSchema.withPrimaryKey(sync.primaryKey());
        int[] key = sync.primaryKey().stream().mapToInt(c -> position(model, c, where, "primary key column", "primary_key")).toArray();

        Map<String, String> fields = new LinkedHashMap<>();
        if (sync.fieldMapping().isEmpty()) {
            model.columnNames().forEach(c -> fields.put(c, c));
        } else {
            sync.fieldMapping().forEach((column, field) -> {
                position(model, column, where, "field_mapping column", "field_mapping");
                fields.put(column, field);
            });
        }
        Map<String, String> matching = new LinkedHashMap<>();
        if (sync.recordMatching().isEmpty()) {
            sync.primaryKey().forEach(c -> matching.put(c, fields.getOrDefault(c, c)));
        } else {
            matching.putAll(sync.recordMatching());
        }
        matching.forEach((column, field) -> {
            position(model, column, where, "record_matching column", "record_matching");
            String mapped = fields.putIfAbsent(column, field);
            if (mapped != null && !mapped.equals(field)) {
                throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + "column " + column + " is mapped to field "
                        + mapped + " but matched on field " + field + "; use one field name in field_mapping and record_matching");
            }
        });

        java.util.Set<String> names = new java.util.HashSet<>();
        fields.forEach((column, field) -> {
            if (!names.add(field) || field.equals(SystemColumns.DELETED_AT)) {
                throw new TidemarkException(ErrorCode.CONFIG_INVALID, where + "destination field " + field + " is written twice ("
                        + (field.equals(SystemColumns.DELETED_AT) ? "it is Tidemark's soft-delete column" : "by two model columns")
                        + "); give column " + column + " another name in field_mapping or record_matching");
            }
        });
        List<Column> columns = new ArrayList<>();
        int[] sent = new int[fields.size()];
        int i = 0;
        for (var entry : fields.entrySet()) {
            sent[i++] = model.indexOf(entry.getKey());
            Column c = model.column(entry.getKey()).orElseThrow();
            columns.add(new Column(entry.getValue(), c.type(), c.nullable() && !matching.containsKey(entry.getKey()), c.nativeType()));
        }
        boolean softDelete = sync.deleteBehavior() == DeleteBehavior.SOFT_DELETE;
        if (softDelete) columns.add(Column.of(SystemColumns.DELETED_AT, DataType.TIMESTAMPTZ));
        int[] match = matching.keySet().stream().mapToInt(model::indexOf).toArray();
        StreamSchema destination = new StreamSchema(sync.target(), columns, List.copyOf(matching.values()), model.nativeDialect());
        return new ChangeShape(model, key, sent, match, destination, softDelete);
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

    /** The destination record of a model row: sent fields, and a null {@link SystemColumns#DELETED_AT} (it is live). */
    public Object[] toDestination(Object[] modelRow) {
        Object[] out = new Object[destination.columns().size()];
        for (int i = 0; i < sentColumns.length; i++) out[i] = modelRow[sentColumns[i]];
        return out;
    }

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
