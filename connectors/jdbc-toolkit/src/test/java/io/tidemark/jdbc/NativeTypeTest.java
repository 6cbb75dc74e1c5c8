package io.tidemark.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.Types;

import static org.assertj.core.api.Assertions.assertThat;

class NativeTypeTest {

    @Test
    void parametersInTheNameWinOverTheDriversFields() {
        NativeType t = NativeType.of("decimal(12, 2)", Types.DECIMAL, 14, 0);
        assertThat(t.name()).isEqualTo("DECIMAL");
        assertThat(t.precision()).isEqualTo(12);
        assertThat(t.scale()).isEqualTo(2);
        assertThat(t.declared()).isEqualTo("decimal(12, 2)");
    }

    @Test
    void aNameWithoutParametersKeepsTheDriversFields() {
        NativeType t = NativeType.of("VARCHAR", Types.VARCHAR, 32, 0);
        assertThat(t.name()).isEqualTo("VARCHAR");
        assertThat(t.precision()).isEqualTo(32);
    }

    @Test
    void textAfterTheParametersStaysInTheNameAndUnreadableParametersAreZero() {
        assertThat(NativeType.declared("DECIMAL(10,2)[]").name()).isEqualTo("DECIMAL[]");
        assertThat(NativeType.declared("VARCHAR(MAX)").precision()).isZero();
        assertThat(NativeType.declared(null).name()).isEmpty();
    }
}
