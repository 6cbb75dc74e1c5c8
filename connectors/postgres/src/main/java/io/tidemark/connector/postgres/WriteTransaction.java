package io.tidemark.connector.postgres;

import io.tidemark.api.CommittedState;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A writer's connection and its ONE transaction, from the first statement to the commit: the data, any change to the
 * target and the {@code _tidemark_state} row become visible together or not at all. Closing without commit, or the
 * process dying at any instant, rolls all of it back (the server aborts a transaction whose client is gone).
 */
final class WriteTransaction implements AutoCloseable {

    /** Prepares a writer on a transaction that has begun. */
    @FunctionalInterface
    interface Opening<W> {
        W open(WriteTransaction transaction) throws SQLException;
    }

    private final Connection connection;
    private final CopyManager copyApi;
    private final StateTable state;
    private boolean committed;

    private WriteTransaction(Connection connection, StateTable state) throws SQLException {
        this.connection = connection;
        this.copyApi = connection.unwrap(PGConnection.class).getCopyAPI();
        this.state = state;
    }

    /**
     * Connects, makes sure the state table exists, begins the transaction and has {@code opening} prepare the writer
     * on it; on failure the connection is closed and the error classified with {@code what}.
     */
    static <W> W begin(PostgresConfig config, String what, Opening<W> opening) {
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
            return opening.open(new WriteTransaction(c, state));
        } catch (SQLException e) {
            closeQuietly(c);
            throw PostgresErrors.classify(e, what);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    Connection connection() { return connection; }

    CopyIn copyIn(String sql) throws SQLException { return copyApi.copyIn(sql); }

    /** Commits the data together with the sync's state row. */
    void commit(CommittedState committed) throws SQLException {
        state.save(connection, committed);
        commitDataOnly();
    }

    /** Commits the data and leaves the state row as it is. */
    void commitDataOnly() throws SQLException {
        connection.commit();
        committed = true;
    }

    /** Rolls back unless committed, and closes the connection. */
    @Override
    public void close() {
        if (!committed) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                // the connection is closed next; the server rolls back whatever it still holds
            }
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // nothing committed is at stake: an open transaction is rolled back by the server
        }
    }
}
