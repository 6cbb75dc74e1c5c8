package io.tidemark.server.security;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.Test;

import static io.tidemark.server.security.Scope.ADMIN;
import static io.tidemark.server.security.Scope.OPERATOR;
import static io.tidemark.server.security.Scope.READ_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopeTest {
    @Test
    void adminAllowsEverything() {
        assertThat(ADMIN.allows(ADMIN)).isTrue();
        assertThat(ADMIN.allows(OPERATOR)).isTrue();
        assertThat(ADMIN.allows(READ_ONLY)).isTrue();
    }

    @Test
    void operatorAllowsOperatingAndReadingButNotAdministering() {
        assertThat(OPERATOR.allows(ADMIN)).isFalse();
        assertThat(OPERATOR.allows(OPERATOR)).isTrue();
        assertThat(OPERATOR.allows(READ_ONLY)).isTrue();
    }

    @Test
    void readOnlyAllowsOnlyReading() {
        assertThat(READ_ONLY.allows(ADMIN)).isFalse();
        assertThat(READ_ONLY.allows(OPERATOR)).isFalse();
        assertThat(READ_ONLY.allows(READ_ONLY)).isTrue();
    }

    @Test
    void configNamesRoundTrip() {
        assertThat(READ_ONLY.configName()).isEqualTo("read-only");
        for (Scope scope : Scope.values()) assertThat(Scope.fromConfigName(scope.configName())).isEqualTo(scope);
    }

    @Test
    void unknownScopeListsTheValidOnes() {
        assertThatThrownBy(() -> Scope.fromConfigName("READ_ONLY"))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID))
                .hasMessage("unknown token scope \"READ_ONLY\"; use one of: read-only, operator, admin");
    }
}
