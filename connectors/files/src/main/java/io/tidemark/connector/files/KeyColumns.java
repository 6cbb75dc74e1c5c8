package io.tidemark.connector.files;

import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/** Some columns of a row taken as its identity: a primary key for upserts and changes, the dedup tuple for appends. */
final class KeyColumns {
    private static final int SEPARATOR = 0xFE;
    private static final int NULL_PART = 0xFF;

    private final List<String> names;
    private final int[] indexes;
    private final DataType[] types;

    private KeyColumns(List<String> names, int[] indexes, DataType[] types) {
        this.names = names;
        this.indexes = indexes;
        this.types = types;
    }

    /** @throws TidemarkException {@link ErrorCode#COLUMN_NOT_FOUND} when {@code schema} lacks one of them */
    static KeyColumns of(StreamSchema schema, List<String> names, String where, Path file) {
        int[] indexes = new int[names.size()];
        DataType[] types = new DataType[names.size()];
        for (int i = 0; i < names.size(); i++) {
            indexes[i] = schema.indexOf(names.get(i));
            if (indexes[i] < 0) {
                throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, where + "key column \"" + names.get(i) + "\" is not a column of "
                        + file + " (columns: " + String.join(", ", schema.columnNames()) + "); fix the sync's primary_key or cursor_field");
            }
            types[i] = schema.columns().get(indexes[i]).type();
        }
        return new KeyColumns(List.copyOf(names), indexes, types);
    }

    /**
     * The key as canonical text, so that equal values compare equal whatever their Java form ({@code 1.0} and
     * {@code 1.00}, {@code byte[]} contents). Null parts stay null.
     */
    List<String> keyOf(Object[] row) {
        String[] parts = new String[indexes.length];
        for (int i = 0; i < indexes.length; i++) parts[i] = part(row, i);
        return Arrays.asList(parts);
    }

    /**
     * The key as bytes for a {@link KeyTable}: the parts' canonical text in UTF-8, separated by {@code 0xFE}, a null part
     * as the single byte {@code 0xFF}. UTF-8 never contains either byte, so distinct keys never share an encoding.
     */
    byte[] encode(Object[] row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        for (int i = 0; i < indexes.length; i++) {
            if (i > 0) out.write(SEPARATOR);
            String part = part(row, i);
            if (part == null) out.write(NULL_PART);
            else out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private String part(Object[] row, int i) {
        Object value = row[indexes[i]];
        if (value == null) return null;
        return value instanceof BigDecimal decimal ? decimal.stripTrailingZeros().toPlainString() : Values.format(types[i], value);
    }

    /** The key for messages: {@code id=1}, {@code region=eu, id=7}. */
    String describe(Object[] row) {
        StringJoiner text = new StringJoiner(", ");
        for (int i = 0; i < indexes.length; i++) {
            Object value = row[indexes[i]];
            text.add(names.get(i) + "=" + (value == null ? "null" : Values.abbreviate(Values.format(types[i], value))));
        }
        return text.toString();
    }

    /** The key's values as they are in the row, e.g. for a {@link io.tidemark.api.RejectedRow}. */
    List<Object> valuesOf(Object[] row) {
        List<Object> values = new ArrayList<>(indexes.length);
        for (int index : indexes) values.add(row[index]);
        return values;
    }

    /** The first key column that is null in {@code row}, or null when none is. */
    String firstNull(Object[] row) {
        for (int i = 0; i < indexes.length; i++) if (row[indexes[i]] == null) return names.get(i);
        return null;
    }
}
