package io.tidemark.jdbc;

import io.tidemark.api.DataType;
import org.junit.jupiter.api.Test;

import static io.tidemark.jdbc.TypeCompatibility.canHold;
import static org.assertj.core.api.Assertions.assertThat;

class TypeCompatibilityTest {

    @Test
    void integersWidenButNeverNarrow() {
        assertThat(canHold(DataType.INT64, DataType.INT32)).isTrue();
        assertThat(canHold(DataType.INT32, DataType.INT16)).isTrue();
        assertThat(canHold(DataType.INT32, DataType.INT64)).isFalse();
        assertThat(canHold(DataType.FLOAT64, DataType.INT32)).isTrue();
        assertThat(canHold(DataType.FLOAT32, DataType.INT32)).isFalse();
    }

    @Test
    void decimalsHoldWhatFitsTheirIntegerAndFractionDigits() {
        assertThat(canHold(DataType.decimal(12, 4), DataType.decimal(10, 2))).isTrue();
        assertThat(canHold(DataType.decimal(12, 4), DataType.decimal(12, 2))).isFalse();
        assertThat(canHold(DataType.decimal(12, 2), DataType.decimal(12, 4))).isFalse();
        assertThat(canHold(DataType.decimal(19, 0), DataType.INT64)).isTrue();
        assertThat(canHold(DataType.decimal(18, 0), DataType.INT64)).isFalse();
        assertThat(canHold(DataType.DECIMAL, DataType.decimal(50, 20))).isTrue();
        assertThat(canHold(DataType.decimal(38, 10), DataType.DECIMAL)).isFalse();
        assertThat(canHold(DataType.DECIMAL, DataType.FLOAT64)).isFalse();
    }

    @Test
    void stringsHoldShorterStringsAndUnboundedTextHoldsJsonAndUuids() {
        assertThat(canHold(DataType.string(32), DataType.string(10))).isTrue();
        assertThat(canHold(DataType.string(10), DataType.string(32))).isFalse();
        assertThat(canHold(DataType.string(10), DataType.STRING)).isFalse();
        assertThat(canHold(DataType.STRING, DataType.JSON)).isTrue();
        assertThat(canHold(DataType.STRING, DataType.UUID_TYPE)).isTrue();
        assertThat(canHold(DataType.string(36), DataType.UUID_TYPE)).isFalse();
        assertThat(canHold(DataType.JSON, DataType.STRING)).isFalse();
    }

    @Test
    void temporalsOnlyHoldTheirOwnKind() {
        assertThat(canHold(DataType.TIMESTAMPTZ, DataType.TIMESTAMP)).isFalse();
        assertThat(canHold(DataType.TIMESTAMP, DataType.DATE)).isFalse();
        assertThat(canHold(DataType.DATE, DataType.DATE)).isTrue();
    }
}
