package io.tidemark.store;

/**
 * Counters of a run: live while it runs, final once it finished. The {@code rows*} counters are what the run read
 * and applied at the destination; {@code added}, {@code changed} and {@code removed} are the changes a {@code diff}
 * sync planned against its previous snapshot (zero for the other modes), so a run shows both what it meant to do
 * and what the destination accepted.
 */
public record RunCounts(long rowsRead, long rowsWritten, long rowsDeleted, long rowsRejected,
                        long added, long changed, long removed) {
    public static final RunCounts ZERO = new RunCounts(0, 0, 0, 0);

    public RunCounts {
        if (rowsRead < 0 || rowsWritten < 0 || rowsDeleted < 0 || rowsRejected < 0
                || added < 0 || changed < 0 || removed < 0) {
            throw new IllegalArgumentException("run counts cannot be negative: " + rowsRead + " read, " + rowsWritten
                    + " written, " + rowsDeleted + " deleted, " + rowsRejected + " rejected, " + added + " added, "
                    + changed + " changed, " + removed + " removed");
        }
    }

    /** The counters of a run that planned no changes (every mode but {@code diff}). */
    public RunCounts(long rowsRead, long rowsWritten, long rowsDeleted, long rowsRejected) {
        this(rowsRead, rowsWritten, rowsDeleted, rowsRejected, 0, 0, 0);
    }
}
