package io.tidemark.connector.postgres;

import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RawStream;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import org.postgresql.copy.CopyIn;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes one run of rows (REPLACE, UPSERT, APPEND) in its {@link WriteTransaction}: COPY into the {@link Load}'s table,
 * which makes them the target's at commit (and, for staged loads, every so often before).
 */
final class PostgresWriter implements StreamWriter {
    /** Staged rows are merged into the target every this many rows, so that staging stays bounded. */
    private static final int FLUSH_EVERY_ROWS = 1_000_000;

    private final WriteTransaction transaction;
    private final WriteRequest request;
    private final Load load;
    private final String what;
    /** The load table's columns, fixed by the first write: decoded and raw rows need different load tables. */
    private List<LoadColumn> layout;
    private boolean rawLayout;
    private String copySql;
    private BinaryCopyWriter copy;
    /** Rows COPYed into the load table since the last flush, as the server counted them. */
    private long loadedSinceFlush;
    private long skipped;

    private PostgresWriter(WriteTransaction transaction, WriteRequest request, Load load, String what) {
        this.transaction = transaction;
        this.request = request;
        this.load = load;
        this.what = what;
    }

    static PostgresWriter open(PostgresConfig config, WriteRequest request) {
        StreamId target = config.resolve(request.target());
        String what = config.label() + ": writing " + target;
        return WriteTransaction.begin(config, what, transaction -> {
            Load load = switch (request.mode()) {
                case REPLACE -> ShadowLoad.prepare(transaction.connection(), request, target, what);
                case UPSERT, APPEND -> StagedLoad.prepare(transaction.connection(), request, target, what);
                case CHANGES -> throw new IllegalArgumentException("keyed changes are written by " + ChangeWriter.class.getSimpleName());
            };
            return new PostgresWriter(transaction, request, load, what);
        });
    }

    @Override
    public WriteResult write(RowBatch batch) {
        try {
            if (copy == null) {
                useLayout(false);
                copy = new BinaryCopyWriter(transaction.copyIn(copySql), layout);
            }
            try {
                for (Object[] row : batch.rows()) copy.writeRow(row);
            } catch (TidemarkException e) {
                throw e.withContext(what + ": "); // a value Postgres cannot hold (out of range), or a row not matching the schema
            }
            if (load.flushesPeriodically() && copy.rows() >= FLUSH_EVERY_ROWS) {
                endCopy();
                skipped += load.flush(transaction.connection(), layout, loadedSinceFlush);
                loadedSinceFlush = 0;
            }
            return WriteResult.written(batch.size());
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    /** Accepted when the schema's native types are Postgres types: then the load table can take the source's bytes. */
    @Override
    public Set<String> rawFormats() {
        return PgTypes.isNative(request.schema()) ? Set.of(RawStream.POSTGRES_BINARY_COPY) : Set.of();
    }

    @Override
    public long writeRaw(RawStream raw) {
        if (!rawFormats().contains(raw.format())) {
            throw new TidemarkException(ErrorCode.INTERNAL, what + ": raw format " + raw.format() + " is not accepted here");
        }
        try {
            useLayout(true);
            CopyIn in = transaction.copyIn(copySql);
            try {
                raw.transferTo((buffer, offset, length) -> {
                    try {
                        in.writeToCopy(buffer, offset, length);
                    } catch (SQLException e) {
                        throw PostgresErrors.classify(e, what);
                    }
                });
            } catch (RuntimeException e) {
                try {
                    in.cancelCopy(); // the source failed mid-stream: end the COPY so the connection can roll back
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            long rows = in.endCopy();
            loadedSinceFlush += rows;
            return rows;
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    @Override
    public long truncate() {
        throw new TidemarkException(ErrorCode.UNSUPPORTED, what + ": removing every record is part of applying keyed changes (CHANGES),"
                + " not of a " + request.mode().name().toLowerCase(Locale.ROOT) + " write");
    }

    @Override
    public void commit(CommittedState committed) {
        try {
            finishLoad();
            transaction.commit(committed);
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    @Override
    public void commitDataOnly() {
        try {
            finishLoad();
            transaction.commitDataOnly();
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    /** Makes everything loaded the target's content, ready to commit. */
    private void finishLoad() throws SQLException {
        endCopy();
        if (layout == null) useLayout(false); // no rows: REPLACE still swaps in an empty table, UPSERT still creates it
        skipped += load.finish(transaction.connection(), layout, loadedSinceFlush);
        loadedSinceFlush = 0;
    }

    @Override
    public long skippedRows() { return skipped; }

    @Override
    public void close() {
        try {
            if (copy != null) copy.cancel();
        } catch (SQLException e) {
            // the connection is closed next; the server discards the COPY with the transaction
        }
        transaction.close();
    }

    private void useLayout(boolean raw) throws SQLException {
        if (layout != null) {
            if (raw != rawLayout) throw new TidemarkException(ErrorCode.INTERNAL, what + ": raw and decoded rows cannot be mixed in one run");
            return;
        }
        layout = raw ? LoadColumn.raw(request.schema()) : LoadColumn.decoded(request.schema());
        rawLayout = raw;
        copySql = load.create(transaction.connection(), layout);
    }

    private void endCopy() throws SQLException {
        if (copy != null) {
            BinaryCopyWriter done = copy;
            copy = null;
            loadedSinceFlush += done.finish();
        }
    }
}
