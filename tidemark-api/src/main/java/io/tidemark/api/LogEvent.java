package io.tidemark.api;

import java.time.Instant;
import java.util.BitSet;
import java.util.Objects;

/**
 * What a {@link ChangeStream} delivers. Transactions arrive whole and in commit order: {@link Begin}, its
 * {@link RowChange}s and {@link Truncate}s, then {@link Commit}. A transaction's commit position is below its end
 * position, which is at most the next transaction's commit position, so a transaction is already applied exactly
 * when its commit position is below the end position last committed at the destination.
 */
public sealed interface LogEvent {

    /** A transaction starts; it commits at {@code commitPosition}, at {@code commitTime} on the source's clock. */
    record Begin(LogPosition commitPosition, Instant commitTime, long transactionId) implements LogEvent {
        public Begin {
            Objects.requireNonNull(commitPosition, "commitPosition");
            Objects.requireNonNull(commitTime, "commitTime");
        }
    }

    /**
     * One row changed. {@code values} follow the capture's schema column order.
     * <ul>
     *   <li>{@link Kind#INSERT}: the new row.</li>
     *   <li>{@link Kind#UPDATE}: the new row; columns in {@code unchanged} were not sent because they did not
     *   change (Postgres: TOAST values) and hold {@code null} here, which does <em>not</em> mean null.
     *   {@code before} holds the old row's identity when the key changed (otherwise {@code null}).</li>
     *   <li>{@link Kind#DELETE}: the old row's identity: key columns set, other columns {@code null} unless the
     *   source logs whole old rows.</li>
     * </ul>
     */
    record RowChange(Kind kind, Object[] values, BitSet unchanged, Object[] before) implements LogEvent {
        public RowChange {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(values, "values");
            Objects.requireNonNull(unchanged, "unchanged");
        }

        public enum Kind { INSERT, UPDATE, DELETE }
    }

    /**
     * The captured table's columns changed (a column added, dropped or retyped): the {@link RowChange}s after this
     * event carry values in {@code schema}'s column order, and its types. It comes before the first change in the new
     * shape, inside the transaction of that change, so a column added and filled in one source transaction arrives
     * as this event followed by the row. The source does not judge the change; the engine applies the sync's
     * schema policy to it.
     */
    record SchemaChange(StreamSchema schema) implements LogEvent {
        public SchemaChange {
            Objects.requireNonNull(schema, "schema");
        }
    }

    /** Every row of the captured table was removed (Postgres {@code TRUNCATE}). */
    record Truncate() implements LogEvent { }

    /** The transaction ends; {@code endPosition} is what a destination records as applied. */
    record Commit(LogPosition endPosition) implements LogEvent {
        public Commit {
            Objects.requireNonNull(endPosition, "endPosition");
        }
    }

    /**
     * Outside any transaction: the source has delivered every change of the capture before {@code position}. When
     * everything delivered is committed at the destination, {@code position} may be acknowledged, which keeps the
     * source's log moving while the captured table is idle.
     */
    record Progress(LogPosition position) implements LogEvent {
        public Progress {
            Objects.requireNonNull(position, "position");
        }
    }
}
