package io.tidemark.engine;

import io.tidemark.api.ChangeClass;
import io.tidemark.engine.schema.SchemaEvolution;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run would do now, computed without writing anything: the source schema changes it would meet with the
 * action its {@code schema_policy} takes on each; for a diff sync also the model's rows classified against the
 * snapshot the destination's checkpoint names, and sample rows of each class (empty for other sync types, and when a
 * schema change would stop the run).
 *
 * @param rowsRead  model rows read
 * @param counts    rows per class
 * @param sends     per class, whether the sync's mode and delete behaviour send it (insert mode does not send changes)
 * @param samples   up to {@link SyncEngine#PLAN_SAMPLES} rows per class: destination fields for added and changed, the
 *                  primary key for removed; an added or changed row a transform cannot shape shows its primary key and
 *                  {@link #TRANSFORM_ERROR} with the reason (a run rejects it)
 * @param schemaChanges the differences between the source's columns now and the shape the destination was built from
 * @param schemaChoices when one of them would stop the run: the ways on, in words
 */
public record ChangePlan(String syncName, long rowsRead, Map<ChangeClass, Long> counts, Map<ChangeClass, Boolean> sends,
                         Map<ChangeClass, List<Map<String, Object>>> samples, List<SchemaEvolution.Decision> schemaChanges,
                         Optional<String> schemaChoices) {
    /** The entry of a sample row a transform cannot shape that says why (no destination field has this name: it has parentheses). */
    public static final String TRANSFORM_ERROR = "(transform error)";

    public ChangePlan {
        counts = Map.copyOf(counts);
        sends = Map.copyOf(sends);
        samples = Map.copyOf(samples);
        schemaChanges = List.copyOf(schemaChanges);
        java.util.Objects.requireNonNull(schemaChoices, "schemaChoices");
    }

    /** A plan of the schema changes alone: the sync does not track changes, or a schema change stops its run first. */
    static ChangePlan schemaOnly(String syncName, List<SchemaEvolution.Decision> schemaChanges, Optional<String> schemaChoices) {
        return new ChangePlan(syncName, 0, Map.of(), Map.of(), Map.of(), schemaChanges, schemaChoices);
    }
}
