package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RawStream;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Writes one run on one connection in ONE transaction, from the first statement to {@link #commit}: the load, the
 * change to the target and the {@code _tidemark_state} row become visible together or not at all. Closing without
 * commit, or the process dying at any instant, rolls all of it back (the server aborts a transaction whose client
 * is gone).
 */
final class PostgresWriter implements StreamWriter {
    /** Staged rows are merged into the target every this many rows, so that staging stays bounded. */
    private static final int FLUSH_EVERY_ROWS = 1_000_000;

    private final Connection connection;
    private final CopyManager copyApi;
    private final WriteRequest request;
    private final StateTable state;
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
    private boolean committed;

    private PostgresWriter(Connection connection, WriteRequest request, StateTable state, Load load, String what) throws SQLException {
        this.connection = connection;
        this.copyApi = connection.unwrap(PGConnection.class).getCopyAPI();
        this.request = request;
        this.state = state;
        this.load = load;
        this.what = what;
    }

    static PostgresWriter open(PostgresConfig config, WriteRequest request) {
        StreamId target = config.resolve(request.target());
        String what = config.label() + ": writing " + target;
        Connection c;
        try {
            c = config.connect();
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
        try {
            StateTable state = new StateTable(config.schema());
            state.ensureExists(c); // autocommitted on its own: concurrent writers' transactions must not race to create it
            c.setAutoCommit(false);
            Load load = request.mode() == WriteMode.REPLACE
                    ? ShadowLoad.prepare(c, request, target, what)
                    : StagedLoad.prepare(c, request, target, what);
            return new PostgresWriter(c, request, state, load, what);
        } catch (SQLException e) {
            closeQuietly(c);
            throw PostgresErrors.classify(e, what);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    @Override
    public WriteResult write(RowBatch batch) {
        try {
            if (copy == null) {
                useLayout(false);
                copy = new BinaryCopyWriter(copyApi.copyIn(copySql), layout.stream().map(LoadColumn::wire).toArray(PgWireType[]::new));
            }
            int width = layout.size();
            for (Object[] row : batch.rows()) {
                if (row.length != width) {
                    throw new TidemarkException(ErrorCode.INTERNAL, what + ": a row has " + row.length + " values for " + width + " columns");
                }
                try {
                    copy.writeRow(row);
                } catch (ClassCastException e) {
                    throw wrongValueClass(row, e);
                } catch (TidemarkException e) {
                    throw e.withContext(what + ": "); // a value Postgres cannot hold (out of range)
                }
            }
            if (load.flushesPeriodically() && copy.rows() >= FLUSH_EVERY_ROWS) {
                endCopy();
                skipped += load.flush(connection, layout, loadedSinceFlush);
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
            CopyIn in = copyApi.copyIn(copySql);
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
    public void commit(CommittedState committed) {
        try {
            endCopy();
            if (layout == null) useLayout(false); // no rows: REPLACE still swaps in an empty table, UPSERT still creates it
            skipped += load.finish(connection, layout, loadedSinceFlush);
            loadedSinceFlush = 0;
            state.save(connection, committed);
            connection.commit();
            this.committed = true;
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    @Override
    public long skippedRows() { return skipped; }

    @Override
    public void close() {
        try {
            if (copy != null) copy.cancel();
            if (!committed) connection.rollback();
        } catch (SQLException e) {
            // the connection is closed next; the server rolls back whatever it still holds
        }
        closeQuietly(connection);
    }

    private void useLayout(boolean raw) throws SQLException {
        if (layout != null) {
            if (raw != rawLayout) throw new TidemarkException(ErrorCode.INTERNAL, what + ": raw and decoded rows cannot be mixed in one run");
            return;
        }
        layout = raw ? LoadColumn.raw(request.schema()) : LoadColumn.decoded(request.schema());
        rawLayout = raw;
        copySql = load.create(connection, layout);
    }

    private void endCopy() throws SQLException {
        if (copy != null) {
            BinaryCopyWriter done = copy;
            copy = null;
            loadedSinceFlush += done.finish();
        }
    }

    private TidemarkException wrongValueClass(Object[] row, ClassCastException cause) {
        for (int i = 0; i < row.length; i++) {
            Column column = layout.get(i).column();
            if (!column.type().accepts(row[i])) {
                return new TidemarkException(ErrorCode.INTERNAL, what + ": column \"" + column.name() + "\" is " + column.type()
                        + " but got a " + row[i].getClass().getSimpleName(), cause);
            }
        }
        return new TidemarkException(ErrorCode.INTERNAL, what + ": a value does not match its column type", cause);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // nothing committed is at stake: an open transaction is rolled back by the server
        }
    }
}
