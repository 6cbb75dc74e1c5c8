package io.tidemark.api;

import java.util.Objects;

/**
 * A batch of one kind of change. {@code rows.schema().primaryKey()} names the record-matching fields, which every
 * row carries; {@link ChangeOp#DELETE} rows carry only those. Column names are destination field names.
 */
public record ChangeBatch(ChangeOp op, RowBatch rows) {
    public ChangeBatch {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(rows, "rows");
        if (rows.schema().primaryKey().isEmpty()) {
            throw new IllegalArgumentException("a change batch needs the record-matching fields as its schema's primary key");
        }
        if (op == ChangeOp.DELETE && rows.schema().columns().size() != rows.schema().primaryKey().size()) {
            throw new IllegalArgumentException("delete rows carry only the record-matching fields");
        }
    }

    public int size() { return rows.size(); }
}
