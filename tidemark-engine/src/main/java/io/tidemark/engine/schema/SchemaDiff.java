package io.tidemark.engine.schema;

import io.tidemark.api.Column;
import io.tidemark.api.StreamSchema;
import io.tidemark.engine.schema.SchemaBaseline.BaselineColumn;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Classifies the differences between a sync's {@link SchemaBaseline} and the source's columns now. Pure. */
public final class SchemaDiff {
    private SchemaDiff() {}

    /**
     * @param key           the columns rows are matched by now
     * @param keyFromSource the key is the source's (not set on the sync): a different one at the source is a change.
     *                      A key set on the sync changes only by a settings change (a resync), or when its columns
     *                      leave the source
     * @param relevant      the columns the sync sends (a mapped sync sends only its mapped ones): changes to others do not matter
     */
    public static List<SchemaChange> between(SchemaBaseline baseline, StreamSchema current, List<String> key, boolean keyFromSource,
                                             Predicate<String> relevant) {
        List<SchemaChange> changes = new ArrayList<>();
        List<String> keyNow = key.stream().filter(k -> current.column(k).isPresent()).toList();
        boolean keyChanged = keyNow.size() < key.size() || keyFromSource && !keyNow.equals(baseline.primaryKey());
        if (keyChanged) changes.add(SchemaChange.key(baseline.primaryKey(), keyNow));
        for (Column column : current.columns()) {
            if (!relevant.test(column.name())) continue;
            Optional<BaselineColumn> was = baseline.column(column.name());
            // An ignored column was never sent: it is still "added", whatever its type became. One the destination kept
            // after a drop has that type there: back with another, it is a retype.
            if (was.isEmpty() || was.get().ignored() && !was.get().dropped()
                    || was.get().dropped() && was.get().type().equals(column.type())) {
                changes.add(SchemaChange.added(column.name(), column.type()));
            } else if (!was.get().type().equals(column.type())) {
                changes.add(SchemaChange.retyped(column.name(), was.get().type(), column.type()));
            }
        }
        for (BaselineColumn was : baseline.columns()) {
            boolean reportedAsKey = keyChanged && baseline.primaryKey().contains(was.name());
            if (was.sent() && current.column(was.name()).isEmpty() && relevant.test(was.name()) && !reportedAsKey) {
                changes.add(SchemaChange.dropped(was.name(), was.type()));
            }
        }
        return changes;
    }
}
