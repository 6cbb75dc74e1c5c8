package io.tidemark.jdbc;

import io.tidemark.api.Column;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The table a {@link BulkLoader} fills.
 *
 * @param table          the table as SQL text, already quoted (and qualified where it is not temporary)
 * @param columns        the loaded columns in row order, each with the type the table stores
 * @param sequenceColumn the extra BIGINT column that numbers rows, after {@code columns}, when the writer needs it
 */
public record LoadTarget(String table, List<Column> columns, Optional<String> sequenceColumn) {
    public LoadTarget {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        Objects.requireNonNull(sequenceColumn, "sequenceColumn");
    }
}
