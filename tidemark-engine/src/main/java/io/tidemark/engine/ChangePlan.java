package io.tidemark.engine;

import io.tidemark.engine.diff.ChangeClass;

import java.util.List;
import java.util.Map;

/**
 * What a diff run would do now, computed without writing anything: the model's rows classified against the
 * snapshot the destination's checkpoint names, and sample rows of each class.
 *
 * @param rowsRead  model rows read
 * @param counts    rows per class
 * @param sends     per class, whether the sync's mode and delete behaviour send it (insert mode does not send changes)
 * @param samples   up to {@link SyncEngine#PLAN_SAMPLES} rows per class: destination fields for added and changed, the
 *                  primary key for removed
 */
public record ChangePlan(String syncName, long rowsRead, Map<ChangeClass, Long> counts, Map<ChangeClass, Boolean> sends,
                         Map<ChangeClass, List<Map<String, Object>>> samples) {
    public ChangePlan {
        counts = Map.copyOf(counts);
        sends = Map.copyOf(sends);
        samples = Map.copyOf(samples);
    }
}
