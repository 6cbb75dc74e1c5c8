package io.tidemark.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoreErrorsTest {
    @Test
    void redactHidesPasswordsInParametersAndUserInfo() {
        assertThat(StoreErrors.redact("jdbc:postgresql://db:5432/state?user=tm&password=s3cr%26t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/state?user=tm&password=***&ssl=true");
        assertThat(StoreErrors.redact("jdbc:postgresql://tm:s3cret@db/state?PASSWORD=x"))
                .isEqualTo("jdbc:postgresql://tm:***@db/state?PASSWORD=***");
        assertThat(StoreErrors.redact("jdbc:sqlite:/home/me/.tidemark/state.db"))
                .isEqualTo("jdbc:sqlite:/home/me/.tidemark/state.db");
    }
}
