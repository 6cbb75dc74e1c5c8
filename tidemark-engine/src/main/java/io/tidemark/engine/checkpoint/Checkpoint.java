package io.tidemark.engine.checkpoint;

import io.tidemark.api.DataType;
import io.tidemark.api.LogPosition;
import io.tidemark.api.Values;

import java.time.Instant;
import java.util.Objects;

/**
 * What a sync remembers between runs. Persisted as versioned JSON by {@link CheckpointCodec}, in the state store
 * and in the destination's state table; both copies are the same text.
 */
public sealed interface Checkpoint {

    /** The high-water mark of an incremental or append sync: the largest cursor value committed. */
    record Cursor(String column, DataType.Kind kind, String value) implements Checkpoint {
        public Cursor {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(value, "value");
        }

        public static Cursor of(String column, DataType type, Object value) {
            return new Cursor(column, type.kind(), Values.format(type, value));
        }

        /** The mark as a value of the column's type. */
        public Object typedValue() { return Values.parse(DataType.of(kind), value); }
    }

    /** A completed full refresh: how many rows the table was replaced with, and when. */
    record Refresh(long rows, Instant completedAt) implements Checkpoint {
        public Refresh {
            Objects.requireNonNull(completedAt, "completedAt");
        }
    }

    /**
     * A diff sync's change-tracking snapshot: the model's keys and row hashes as last sent, kept in the workspace's
     * change-tracking store under {@code version} (the run that sent it).
     *
     * @param hashScheme how the row hashes were computed; a snapshot of another scheme cannot be compared with
     */
    record Snapshot(long version, long rows, String hashScheme) implements Checkpoint {
        public Snapshot {
            Objects.requireNonNull(hashScheme, "hashScheme");
        }
    }

    /**
     * A cdc sync's place in the source's change log: every transaction that ended at or before {@code position} is
     * applied at the destination, none after it.
     *
     * @param sourceTime the source commit time of the last transaction applied (for a fresh snapshot: when it was
     *                   taken); how far behind the destination is, in time, when the log has more
     * @param capture    the capture (slot) the position belongs to: each fresh start makes a new one, so a position is
     *                   never read from a capture created after it (which would silently skip what lies between)
     * @param appliedOfNext how many changes of the transaction after {@code position} are applied too: the part before a
     *                   schema change in its middle, committed so that the new shape could be applied. A run resuming
     *                   here skips that many of them, so none is applied twice
     */
    record Log(LogPosition position, Instant sourceTime, String capture, int appliedOfNext) implements Checkpoint {
        public Log {
            Objects.requireNonNull(position, "position");
            Objects.requireNonNull(sourceTime, "sourceTime");
            Objects.requireNonNull(capture, "capture");
            if (appliedOfNext < 0) throw new IllegalArgumentException("appliedOfNext must be >= 0");
        }

        /** A position between transactions. */
        public Log(LogPosition position, Instant sourceTime, String capture) { this(position, sourceTime, capture, 0); }
    }
}
