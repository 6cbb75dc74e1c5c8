package io.tidemark.engine;

import io.tidemark.api.CaptureStatus;
import io.tidemark.api.SyncType;
import io.tidemark.store.CaptureLag;
import io.tidemark.store.RunRecord;

import java.util.Objects;
import java.util.Optional;

/**
 * A sync as {@code tidemark status} shows it.
 *
 * @param checkpoint the engine's checkpoint JSON last recorded in the state store
 * @param capture    a cdc sync's capture at the source; empty for other sync types and when the source keeps none
 * @param captureLag derived from {@code capture} and the checkpoint
 */
public record SyncStatus(String sync, SyncType syncType, boolean paused, Optional<RunRecord> lastRun, Optional<String> checkpoint,
                         Optional<CaptureStatus> capture, Optional<CaptureLag> captureLag) {
    public SyncStatus {
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(syncType, "syncType");
        Objects.requireNonNull(lastRun, "lastRun");
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(captureLag, "captureLag");
    }
}
