package io.tidemark.store;

/** Row counters of a run: live while it runs, final once it finished. */
public record RunCounts(long rowsRead, long rowsWritten, long rowsDeleted, long rowsRejected) {
    public static final RunCounts ZERO = new RunCounts(0, 0, 0, 0);

    public RunCounts {
        if (rowsRead < 0 || rowsWritten < 0 || rowsDeleted < 0 || rowsRejected < 0) {
            throw new IllegalArgumentException("run counts cannot be negative: " + rowsRead + ", " + rowsWritten
                    + ", " + rowsDeleted + ", " + rowsRejected);
        }
    }
}
