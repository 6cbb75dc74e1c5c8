package io.tidemark.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The state of a capture at the source, as the source sees it now.
 *
 * @param confirmed   how far the destination has acknowledged; the source keeps its log from here on
 * @param current     the end of the source's log now
 * @param lagBytes    log the source keeps for this capture: {@code current - confirmed}
 * @param active      a reader is attached now
 * @param invalidated why the source can no longer serve the capture (log removed, …); empty while it can
 */
public record CaptureStatus(LogPosition confirmed, LogPosition current, long lagBytes, boolean active,
                            Optional<String> invalidated) {
    public CaptureStatus {
        Objects.requireNonNull(confirmed, "confirmed");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(invalidated, "invalidated");
    }
}
