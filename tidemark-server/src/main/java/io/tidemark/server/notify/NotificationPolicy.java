package io.tidemark.server.notify;

import java.util.Optional;

/** Decides which run outcomes are worth a notification. */
public final class NotificationPolicy {
    private static final String FAILED = "failed";

    private NotificationPolicy() {}

    /**
     * The event to send for a finished run, if any: {@value Notification#RUN_FAILED} for every failed run;
     * {@value Notification#RUN_RECOVERED} for a run that succeeded (with or without rejected rows) right after a failed
     * one, when recoveries are wanted. Cancelled runs and ordinary successes send nothing.
     *
     * @param previousStatus the status of the sync's previous finished run, empty for its first run
     * @param status         this run's final status ({@code succeeded}, {@code succeeded_with_rejections},
     *                       {@code failed}, {@code cancelled})
     * @param onRecovery     whether the sync's notifications include recoveries
     */
    public static Optional<String> event(Optional<String> previousStatus, String status, boolean onRecovery) {
        if (status.equals(FAILED)) return Optional.of(Notification.RUN_FAILED);
        boolean succeeded = status.equals("succeeded") || status.equals("succeeded_with_rejections");
        if (succeeded && onRecovery && previousStatus.filter(FAILED::equals).isPresent()) {
            return Optional.of(Notification.RUN_RECOVERED);
        }
        return Optional.empty();
    }
}
