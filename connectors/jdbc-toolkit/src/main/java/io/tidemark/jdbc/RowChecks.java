package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * What a writer refuses per row before loading, checked against the columns of the table the rows go into, so that
 * one bad value becomes a refusal naming its key rather than a failed statement or, worse, a silently rounded number:
 * a NULL in a key column or in a NOT NULL column, a decimal with more digits than its column holds (the database would
 * round the fraction or fail the whole statement; SQLite, keeping decimals as text, would store it as given), and a
 * value beyond the database's {@link ValueLimit}. Also converts values of a narrower type to the column's (an int32
 * for an int64 column), so that every loader sees the column's Java type.
 */
final class RowChecks {
    private final List<Column> sent;
    private final List<Column> columns;
    private final int[] keyIndexes;
    private final int[] notNullIndexes;
    private final int[] decimalIndexes;
    private final int[] limitedIndexes;
    private final ValueLimit[] limits;
    private final int[] widenedIndexes;

    /**
     * @param sent    the rows' columns, whose types say what Java type each value has
     * @param columns the table's column for each of {@code sent}, in the same order: the type it holds and whether it
     *                takes NULL
     * @param key     names among {@code sent}, reported in refusals and checked for NULL
     */
    RowChecks(Dialect dialect, List<Column> sent, List<Column> columns, List<String> key) {
        if (sent.size() != columns.size()) throw new IllegalArgumentException("one table column per sent column");
        this.sent = List.copyOf(sent);
        this.columns = List.copyOf(columns);
        List<String> names = sent.stream().map(Column::name).toList();
        this.keyIndexes = key.stream().mapToInt(names::indexOf).toArray();
        this.notNullIndexes = indexes(i -> !columns.get(i).nullable() && !key.contains(names.get(i)));
        this.decimalIndexes = indexes(i -> type(i).kind() == DataType.Kind.DECIMAL && type(i).precision() > 0);
        this.limitedIndexes = indexes(i -> dialect.valueLimit(type(i)).isPresent());
        this.limits = IntStream.of(limitedIndexes).mapToObj(i -> dialect.valueLimit(type(i)).orElseThrow()).toArray(ValueLimit[]::new);
        this.widenedIndexes = indexes(i -> sent.get(i).type().kind() != type(i).kind());
    }

    private int[] indexes(IntPredicate selected) {
        return IntStream.range(0, columns.size()).filter(selected).toArray();
    }

    private DataType type(int index) { return columns.get(index).type(); }

    private String name(int index) { return sent.get(index).name(); }

    /** The refusal of {@code row}, with its key as given, or null when it can be loaded. */
    RejectedRow check(Object[] row) {
        if (row.length != columns.size()) {
            throw new TidemarkException(ErrorCode.INTERNAL, "a row has " + row.length + " values but its schema has "
                    + columns.size() + " columns");
        }
        for (int k : keyIndexes) {
            if (row[k] == null) return reject(row, "primary key column " + name(k) + " is null");
        }
        for (int n : notNullIndexes) {
            if (row[n] == null) return reject(row, "column " + name(n) + " is null but the destination column is NOT NULL");
        }
        for (int d : decimalIndexes) {
            if (row[d] instanceof BigDecimal value && !type(d).holdsExactly(value)) {
                return reject(row, "value " + value.toPlainString() + " of column " + name(d)
                        + " does not fit its destination type " + type(d) + " without rounding");
            }
        }
        for (int l = 0; l < limitedIndexes.length; l++) {
            int i = limitedIndexes[l];
            if (row[i] != null && !limits[l].accepts().test(row[i])) {
                return reject(row, "value " + Values.abbreviate(Values.format(type(i), row[i])) + " of column " + name(i)
                        + " is not " + limits[l].description());
            }
        }
        return null;
    }

    /** {@code row} with the values of narrower types converted to their column's; the row itself when none is. */
    Object[] convert(Object[] row) {
        if (widenedIndexes.length == 0) return row;
        Object[] converted = row.clone();
        for (int i : widenedIndexes) converted[i] = TypeCompatibility.widen(type(i), row[i]);
        return converted;
    }

    private RejectedRow reject(Object[] row, String reason) {
        List<Object> key = new ArrayList<>(keyIndexes.length);
        for (int k : keyIndexes) key.add(row[k]);
        return new RejectedRow(key, reason);
    }
}
