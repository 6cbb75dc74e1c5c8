package io.tidemark.jdbc;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A bound a database puts on the values of a column type beyond the type itself (DuckDB's range of years). Rows are
 * checked against it before loading, so that such a value is refused with its key rather than failing a statement.
 *
 * @param description what a value must be, completing "value … of column c is not …", e.g. {@code a date in the years -9999 to 9999}
 */
public record ValueLimit(String description, Predicate<Object> accepts) {
    public ValueLimit {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(accepts, "accepts");
    }
}
