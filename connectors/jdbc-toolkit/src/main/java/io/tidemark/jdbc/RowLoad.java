package io.tidemark.jdbc;

import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.WriteResult;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows of a replace, upsert or append writer on their way into its shadow or staging table: checked against and
 * converted to the table's columns ({@link RowChecks}), followed by the stamp (the history values, where the table
 * is loaded directly), and handed to the connector's {@link BulkLoader}, numbered in arrival order; at commit, the
 * mode's {@link Finish} moves them into the target.
 */
final class RowLoad implements Intake {
    private final RowChecks checks;
    private final BulkLoader loader;
    private final Object[] stamp;
    private final Finish finish;
    private long loaded;

    /** What commit does with the loaded rows. */
    @FunctionalInterface
    interface Finish {
        /** Moves the {@code loaded} rows into the target; returns how many of them it did not apply (skipped). */
        long apply(long loaded) throws SQLException;
    }

    /** @param stamp values appended to every row loaded; empty for none */
    RowLoad(RowChecks checks, BulkLoader loader, Object[] stamp, Finish finish) {
        this.checks = checks;
        this.loader = loader;
        this.stamp = stamp.clone();
        this.finish = finish;
    }

    WriteResult write(RowBatch batch) throws SQLException, IOException {
        List<Object[]> accepted = new ArrayList<>(batch.size());
        List<RejectedRow> rejected = new ArrayList<>();
        for (Object[] row : batch.rows()) {
            RejectedRow rejection = checks.check(row);
            if (rejection == null) accepted.add(stamped(checks.convert(row)));
            else rejected.add(rejection);
        }
        loader.load(accepted, loaded);
        loaded += accepted.size();
        return new WriteResult(accepted.size(), 0, rejected);
    }

    private Object[] stamped(Object[] row) {
        if (stamp.length == 0) return row;
        Object[] stamped = Arrays.copyOf(row, row.length + stamp.length);
        System.arraycopy(stamp, 0, stamped, row.length, stamp.length);
        return stamped;
    }

    /** Moves every row loaded into the target, in the writer's transaction; returns the rows skipped. */
    long finish() throws SQLException, IOException {
        loader.finish();
        return finish.apply(loaded);
    }

    @Override
    public void close() { Jdbc.closeQuietly(loader); }
}
