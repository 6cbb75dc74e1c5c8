package io.tidemark.jdbc;

import java.util.Objects;

/**
 * A rule of a table that no column type states, as a condition under which the table refuses a row: SQL over the
 * table's unquoted column names, true when a row must be refused (e.g. {@code "name" IS NULL} for a NOT NULL column
 * without a default, or a CHECK constraint's negation).
 *
 * @param reason why such a row is refused, for the user, e.g. {@code column name is NOT NULL and has no default}
 */
public record Refusal(String condition, String reason) {
    public Refusal {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(reason, "reason");
    }
}
