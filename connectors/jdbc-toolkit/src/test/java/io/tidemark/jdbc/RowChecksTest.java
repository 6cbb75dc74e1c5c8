package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RowChecksTest {
    private final RowChecks checks = new RowChecks(List.of(Column.of("id", DataType.INT64), Column.of("amount", DataType.decimal(6, 2)),
            Column.of("free", DataType.DECIMAL)), List.of("id"));

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
}
