package io.tidemark.engine.schema;

import io.tidemark.api.DataType;
import io.tidemark.engine.config.SchemaChangeKind;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One difference between the source's current columns and a sync's {@link SchemaBaseline}.
 *
 * @param column      the column's name; for a change of the key itself, the new key's columns joined by ", "
 * @param before      the type (or key) the destination was built with; empty for an added column
 * @param after       the type (or key) at the source now; empty for a dropped column
 * @param findsRecords a {@link SchemaChangeKind#PRIMARY_KEY_CHANGED} of one column that finds destination records (a diff
 *                    sync's key or record matching column) dropped or retyped, rather than of the key itself
 */
public record SchemaChange(SchemaChangeKind kind, String column, Optional<String> before, Optional<String> after, boolean findsRecords) {
    public SchemaChange(SchemaChangeKind kind, String column, Optional<String> before, Optional<String> after) {
        this(kind, column, before, after, false);
    }

    public SchemaChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    static SchemaChange added(String column, DataType type) {
        return new SchemaChange(SchemaChangeKind.COLUMN_ADDED, column, Optional.empty(), Optional.of(type.toString()));
    }

    static SchemaChange dropped(String column, DataType type) {
        return new SchemaChange(SchemaChangeKind.COLUMN_DROPPED, column, Optional.of(type.toString()), Optional.empty());
    }

    static SchemaChange retyped(String column, DataType from, DataType to) {
        return new SchemaChange(from.widensTo(to) ? SchemaChangeKind.TYPE_WIDENED : SchemaChangeKind.TYPE_CHANGED, column,
                Optional.of(from.toString()), Optional.of(to.toString()));
    }

    static SchemaChange key(List<String> from, List<String> to) {
        return new SchemaChange(SchemaChangeKind.PRIMARY_KEY_CHANGED, String.join(", ", to), Optional.of(keyText(from)), Optional.of(keyText(to)));
    }

    /**
     * Whether this change, to a column that identifies records, changes their identity: the column left or its values
     * got another type (an unsafe retype stops anyway; an added column identifies nothing yet).
     */
    boolean changesIdentity() {
        return kind == SchemaChangeKind.COLUMN_DROPPED || kind == SchemaChangeKind.TYPE_WIDENED;
    }

    /**
     * This change to a column that identifies records (a diff sync's key or record matching column), as the identity
     * change it is: the same column, with its types before and after.
     */
    SchemaChange asIdentityChange() {
        return new SchemaChange(SchemaChangeKind.PRIMARY_KEY_CHANGED, column, before, after, true);
    }

    private static String keyText(List<String> key) { return key.isEmpty() ? "(none)" : "(" + String.join(", ", key) + ")"; }

    /** In words: {@code column amount changed type from int32 to string}. */
    public String describe() {
        return switch (kind) {
            case COLUMN_ADDED -> "column " + column + " (" + after.orElseThrow() + ") added";
            case COLUMN_DROPPED -> "column " + column + " (" + before.orElseThrow() + ") dropped";
            case TYPE_WIDENED -> "column " + column + " widened from " + before.orElseThrow() + " to " + after.orElseThrow();
            case TYPE_CHANGED -> "column " + column + " changed type from " + before.orElseThrow() + " to " + after.orElseThrow();
            case PRIMARY_KEY_CHANGED -> !findsRecords ? "primary key changed from " + before.orElseThrow() + " to " + after.orElseThrow()
                    : "column " + column + ", which finds destination records, " + after.map(t -> "changed from " + before.orElseThrow()
                    + " to " + t).orElse("(" + before.orElseThrow() + ") dropped");
        };
    }
}
