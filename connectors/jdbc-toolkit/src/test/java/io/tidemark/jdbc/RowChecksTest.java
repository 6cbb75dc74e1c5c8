package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowChecksTest {
    /** A database whose dates end with the year 2100. */
    private static final Dialect DIALECT = new Dialect() {
        @Override
        public String name() { return "test"; }

        @Override
        public String typeName(DataType type) { return type.toString(); }

        @Override
        public DataType dataType(NativeType type) { return DataType.STRING; }

        @Override
        public Optional<ValueLimit> valueLimit(DataType type) {
            return type.kind() == DataType.Kind.DATE
                    ? Optional.of(new ValueLimit("before the year 2101", v -> ((LocalDate) v).getYear() <= 2100)) : Optional.empty();
        }

        @Override
        public SqlFailure classify(SQLException e) { return new SqlFailure(ErrorCode.IO_ERROR, "retry"); }
    };

    private static final List<Column> COLUMNS = List.of(new Column("id", DataType.INT64, false, null),
            Column.of("amount", DataType.decimal(6, 2)), Column.of("free", DataType.DECIMAL));
    private final RowChecks checks = new RowChecks(DIALECT, COLUMNS, COLUMNS, List.of("id"));

    @Test
    void aRowWithANullKeyIsRejectedNamingTheColumn() {
        assertThat(checks.check(new Object[]{null, null, null})).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("primary key column id is null");
            assertThat(r.key()).containsExactly((Object) null);
        });
    }

    @Test
    void decimalsThatWouldBeRoundedOrOverflowAreRejectedAndTrailingZerosAreNot() {
        assertThat(checks.check(new Object[]{1L, new BigDecimal("9999.99"), new BigDecimal("1E+400")})).isNull();
        assertThat(checks.check(new Object[]{2L, new BigDecimal("1.2300000"), null})).isNull();
        assertThat(checks.check(new Object[]{3L, new BigDecimal("1.005"), null})).satisfies(r -> {
            assertThat(r.key()).containsExactly(3L);
            assertThat(r.reason()).contains("1.005", "amount", "decimal(6,2)");
        });
        assertThat(checks.check(new Object[]{4L, new BigDecimal("10000"), null})).isNotNull();
        assertThat(checks.check(new Object[]{5L, new BigDecimal("1E+4"), null})).isNotNull();
    }

    @Test
    void aNullInANotNullColumnOfTheTableIsRejectedWhateverTheSchemaSays() {
        List<Column> sent = List.of(Column.of("id", DataType.INT64), Column.of("name", DataType.STRING));
        List<Column> table = List.of(new Column("id", DataType.INT64, false, null), new Column("name", DataType.STRING, false, "TEXT"));
        RowChecks notNull = new RowChecks(DIALECT, sent, table, List.of("id"));

        assertThat(notNull.check(new Object[]{1L, "ada"})).isNull();
        assertThat(notNull.check(new Object[]{2L, null}).reason()).isEqualTo("column name is null but the destination column is NOT NULL");
    }

    @Test
    void aValueBeyondTheDatabasesLimitIsRejectedWithTheLimit() {
        List<Column> columns = List.of(Column.of("id", DataType.INT64), Column.of("day", DataType.DATE));
        RowChecks dates = new RowChecks(DIALECT, columns, columns, List.of("id"));

        assertThat(dates.check(new Object[]{1L, LocalDate.of(2100, 12, 31)})).isNull();
        assertThat(dates.check(new Object[]{2L, LocalDate.MAX}).reason())
                .isEqualTo("value +999999999-12-31 of column day is not before the year 2101");
    }

    @Test
    void valuesOfANarrowerTypeAreConvertedToTheColumnsJavaTypeAndOthersAreLeftAlone() {
        UUID uuid = UUID.randomUUID();
        List<Column> sent = List.of(Column.of("id", DataType.INT32), Column.of("n", DataType.INT16), Column.of("u", DataType.UUID_TYPE),
                Column.of("f", DataType.FLOAT32), Column.of("s", DataType.STRING));
        List<Column> table = List.of(Column.of("id", DataType.INT64), Column.of("n", DataType.decimal(10, 0)), Column.of("u", DataType.STRING),
                Column.of("f", DataType.FLOAT64), Column.of("s", DataType.STRING));
        RowChecks widening = new RowChecks(DIALECT, sent, table, List.of("id"));
        Object[] given = {7, (short) 3, uuid, 0.5f, "x"};

        assertThat(widening.convert(given)).containsExactly(7L, new BigDecimal(3), uuid.toString(), 0.5d, "x");
        assertThat(given).containsExactly(7, (short) 3, uuid, 0.5f, "x");
        RowChecks same = new RowChecks(DIALECT, table, table, List.of("id"));
        Object[] row = {1L, BigDecimal.ONE, "u", 1.0, "s"};
        assertThat(same.convert(row)).isSameAs(row);
    }

    @Test
    void aRowOfTheWrongWidthIsAnInternalError() {
        assertThatThrownBy(() -> checks.check(new Object[]{1L}))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessage("a row has 1 values but its schema has 3 columns");
    }
}
