package io.tidemark.jdbc;

import io.tidemark.api.CheckReport;
import io.tidemark.api.CommittedState;
import io.tidemark.api.Destination;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteRequest;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * A SQL database written through JDBC with transactional commits: see {@link JdbcWriter} for the write modes. The
 * connector supplies its bulk path as a {@link BulkLoader.Factory}.
 */
public class JdbcDestination implements Destination {
    private final JdbcDatabase db;
    private final Dialect dialect;
    private final StateTable state;
    private final BulkLoader.Factory loaders;

    public JdbcDestination(JdbcDatabase db, BulkLoader.Factory loaders) {
        this.db = db;
        this.dialect = db.dialect();
        this.state = new StateTable(dialect, db.catalog(), db.stateTable());
        this.loaders = loaders;
    }

    @Override
    public CheckReport check() { return db.check(); }

    @Override
    public Optional<StreamSchema> describeTarget(StreamId target) {
        StreamId table = db.resolve(target);
        try (Connection c = db.connect(JdbcDatabase.Access.READ)) {
            return db.catalog().describe(c, table);
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "describing " + table, e);
        }
    }

    @Override
    public Optional<CommittedState> committedState(String syncKey) {
        try (Connection c = db.connect(JdbcDatabase.Access.READ)) {
            return state.read(c, syncKey);
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "reading the committed state of sync " + syncKey, e);
        }
    }

    @Override
    public StreamWriter open(WriteRequest request) {
        return new JdbcWriter(db, state, loaders, request);
    }

    @Override
    public void deleteData(String syncKey, StreamId target) {
        StreamId table = db.resolve(target);
        Connection c = db.connect(JdbcDatabase.Access.WRITE);
        try {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + dialect.qualified(table));
            }
            if (db.catalog().describe(c, db.stateTable()).isPresent()) state.delete(c, syncKey);
            c.commit();
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "deleting " + table + " and the state of sync " + syncKey, e);
        } finally {
            Jdbc.rollbackAndClose(c);
        }
    }

    @Override
    public void close() { db.close(); }
}
