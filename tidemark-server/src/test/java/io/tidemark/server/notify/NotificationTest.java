package io.tidemark.server.notify;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationTest {
    private static String golden(String name) throws IOException {
        try (InputStream in = NotificationTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    @Test
    void runFailedMatchesItsGoldenFile() throws IOException {
        Notification n = new Notification(Notification.RUN_FAILED, "orders_to_crm", 42L, "failed", "connection_failed",
                "connection \"app\": cannot reach db:5432; check the host",
                Instant.parse("2026-03-01T08:00:00Z"), Instant.parse("2026-03-01T08:00:12.345Z"), "schedule");

        assertThat(n.toJson()).isEqualTo(golden("notification-run-failed-v1.json"));
    }

    @Test
    void sequenceFailedKeepsEveryKeyWithNullsWhereNothingApplies() throws IOException {
        Notification n = new Notification(Notification.SEQUENCE_FAILED, "nightly", null, "failed", null, null,
                Instant.parse("2026-03-01T02:00:00Z"), null, "manual");

        assertThat(n.toJson()).isEqualTo(golden("notification-sequence-failed-v1.json"));
    }

    @Test
    void unknownEventIsRejected() {
        assertThatThrownBy(() -> new Notification("run_exploded", "orders", 1L, "failed", null, null, Instant.EPOCH, null, "manual"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown notification event \"run_exploded\"");
    }
}
