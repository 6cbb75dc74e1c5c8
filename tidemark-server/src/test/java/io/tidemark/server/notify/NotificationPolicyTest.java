package io.tidemark.server.notify;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationPolicyTest {
    @Test
    void everyFailedRunIsReported() {
        assertThat(NotificationPolicy.event(Optional.empty(), "failed", false)).contains("run_failed");
        assertThat(NotificationPolicy.event(Optional.of("failed"), "failed", true)).contains("run_failed");
        assertThat(NotificationPolicy.event(Optional.of("succeeded"), "failed", true)).contains("run_failed");
    }

    @Test
    void successAfterAFailureIsARecoveryWhenRecoveriesAreWanted() {
        assertThat(NotificationPolicy.event(Optional.of("failed"), "succeeded", true)).contains("run_recovered");
        assertThat(NotificationPolicy.event(Optional.of("failed"), "succeeded_with_rejections", true)).contains("run_recovered");
        assertThat(NotificationPolicy.event(Optional.of("failed"), "succeeded", false)).isEmpty();
    }

    @Test
    void ordinarySuccessesAndCancellationsSendNothing() {
        assertThat(NotificationPolicy.event(Optional.empty(), "succeeded", true)).isEmpty();
        assertThat(NotificationPolicy.event(Optional.of("succeeded"), "succeeded", true)).isEmpty();
        assertThat(NotificationPolicy.event(Optional.of("cancelled"), "succeeded", true)).isEmpty();
        assertThat(NotificationPolicy.event(Optional.of("failed"), "cancelled", true)).isEmpty();
    }
}
