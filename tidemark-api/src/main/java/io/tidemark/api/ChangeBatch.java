package io.tidemark.api;

import java.util.Objects;

/**
 * A batch of one kind of change. {@code rows.schema().primaryKey()} names the record-matching fields, which every
 * row carries; {@link ChangeOp#DELETE} rows carry only those. Column names are destination field names.
 *
 * @param origin what happened to the rows at the source: a destination that sends each class its own way (an API's
 *               endpoints for added, changed and removed records) chooses by it; databases go by {@code op}
 */
public record ChangeBatch(ChangeOp op, RowBatch rows, ChangeClass origin) {
    public ChangeBatch {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(origin, "origin");
        if (rows.schema().primaryKey().isEmpty()) {
            throw new IllegalArgumentException("a change batch needs the record-matching fields as its schema's primary key");
        }
        if (op == ChangeOp.DELETE && rows.schema().columns().size() != rows.schema().primaryKey().size()) {
            throw new IllegalArgumentException("delete rows carry only the record-matching fields");
        }
    }

    /** A batch whose origin follows from the operation: inserts and upserts add, updates change, deletes remove. */
    public ChangeBatch(ChangeOp op, RowBatch rows) {
        this(op, rows, switch (op) {
            case INSERT, UPSERT -> ChangeClass.ADDED;
            case UPDATE -> ChangeClass.CHANGED;
            case DELETE -> ChangeClass.REMOVED;
        });
    }

    public int size() { return rows.size(); }
}
