package io.tidemark.connector.postgres;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Set-based statements that move the rows of a staging table into the target by key, one statement per batch rather
 * than one per row. Staged rows are aliased {@code s}, target rows {@code t}; a key repeated in staging resolves as
 * if the rows had come one after another ({@link StagingTable#onePerKey}).
 *
 * @param layout the staged columns, including every {@code key} column
 */
record KeyedSql(TargetTable target, StagingTable staging, List<LoadColumn> layout, List<String> key) {
    private static final String SEQUENCE = StagingTable.SEQUENCE;

    KeyedSql {
        layout = List.copyOf(layout);
        key = List.copyOf(key);
    }

    /**
     * Inserts new keys and sets the staged columns of existing ones, from the last staged row of each key. A layout of
     * only key columns has nothing to set: its existing keys are left alone.
     */
    String upsert() {
        String updates = valueColumns().stream().map(l -> Sql.ident(l.name()) + " = excluded." + Sql.ident(l.name()))
                .collect(Collectors.joining(", "));
        return insertFrom("(" + staging.onePerKey(key, true) + ")") + " on conflict (" + Sql.identList(key) + ") do "
                + (updates.isEmpty() ? "nothing" : "update set " + updates);
    }

    /**
     * Inserts the first staged row of each key the target does not hold; selects the {@code SEQUENCE} of the rows
     * inserted. A later row of the same key, or one whose key the target holds, is not inserted.
     */
    String insertNew() {
        return "with chosen as (" + staging.onePerKey(key, false) + "), inserted as (" + insertFrom("chosen")
                + " on conflict (" + Sql.identList(key) + ") do nothing returning " + Sql.identList(key) + ")"
                + " select s." + SEQUENCE + " from chosen s join inserted t on " + LoadColumn.match(layout, key, "t", "s");
    }

    /**
     * Sets the staged columns of the records whose key is staged, from the last staged row of each key; selects the
     * {@code SEQUENCE} of every staged row whose key was found. A layout of only key columns sets nothing and only
     * tells found from not found.
     */
    String update() {
        List<LoadColumn> values = valueColumns();
        if (values.isEmpty()) {
            return "select s." + SEQUENCE + " from " + staging.sql() + " s where exists (select 1 from " + target.sql() + " t where "
                    + LoadColumn.match(layout, key, "t", "s") + ")";
        }
        String sets = values.stream().map(l -> Sql.ident(l.name()) + " = " + l.value("s")).collect(Collectors.joining(", "));
        return "with updated as (update " + target.sql() + " t set " + sets + " from (" + staging.onePerKey(key, true) + ") s where "
                + LoadColumn.match(layout, key, "t", "s") + " returning " + key.stream().map(k -> "t." + Sql.ident(k)).collect(Collectors.joining(", "))
                + ") select s." + SEQUENCE + " from " + staging.sql() + " s join updated t on " + LoadColumn.match(layout, key, "t", "s");
    }

    /** Deletes the records whose key is staged; its update count is the records deleted. */
    String delete() {
        return "delete from " + target.sql() + " t using " + staging.sql() + " s where " + LoadColumn.match(layout, key, "t", "s");
    }

    /** {@code insert into <target> (<layout>) select <values> from <rows> s}, {@code rows} being a table expression. */
    private String insertFrom(String rows) {
        return "insert into " + target.sql() + " (" + LoadColumn.names(layout) + ") select "
                + layout.stream().map(l -> l.value("s")).collect(Collectors.joining(", ")) + " from " + rows + " s";
    }

    private List<LoadColumn> valueColumns() {
        return layout.stream().filter(l -> !key.contains(l.name())).toList();
    }
}
