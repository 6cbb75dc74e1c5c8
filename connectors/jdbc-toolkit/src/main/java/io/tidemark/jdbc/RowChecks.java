package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.RejectedRow;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What a writer refuses per row before loading, so that one bad value becomes a rejected row naming its key rather
 * than a failed load or, worse, a silently rounded number: a NULL in a key column, and a decimal with more digits
 * than its column holds (the database would round the fraction or fail the whole statement).
 */
final class RowChecks {
    private final List<Column> columns;
    private final int[] keyIndexes;
    private final int[] decimalIndexes;

    /** @param key the key columns' names; checked for NULL and reported in rejections */
    RowChecks(List<Column> columns, List<String> key) {
        this.columns = List.copyOf(columns);
        this.keyIndexes = key.stream().mapToInt(k -> columns.stream().map(Column::name).toList().indexOf(k)).toArray();
        this.decimalIndexes = IntStream.range(0, columns.size())
                .filter(i -> columns.get(i).type().kind() == DataType.Kind.DECIMAL && columns.get(i).type().precision() > 0)
                .toArray();
    }

    /** The rejection of {@code row}, or null when it can be loaded. */
    RejectedRow check(Object[] row) {
        for (int k : keyIndexes) {
            if (row[k] == null) return reject(row, "primary key column " + columns.get(k).name() + " is null");
        }
        for (int d : decimalIndexes) {
            if (row[d] instanceof BigDecimal value && !fits(value, columns.get(d).type())) {
                return reject(row, "value " + value.toPlainString() + " of column " + columns.get(d).name()
                        + " does not fit its destination type " + columns.get(d).type() + " without rounding");
            }
        }
        return null;
    }

    static boolean fits(BigDecimal value, DataType type) {
        int maxInteger = type.precision() - type.scale();
        if (value.scale() <= type.scale() && value.precision() - value.scale() <= maxInteger) return true;
        BigDecimal stripped = value.stripTrailingZeros();
        int scale = Math.max(stripped.scale(), 0);
        int integerDigits = Math.max(stripped.precision() - stripped.scale(), 0);
        return scale <= type.scale() && integerDigits <= maxInteger;
    }

    private RejectedRow reject(Object[] row, String reason) {
        List<Object> key = new ArrayList<>(keyIndexes.length);
        for (int k : keyIndexes) key.add(row[k]);
        return new RejectedRow(key, reason);
    }
}
