package io.tidemark.jdbc;

import io.tidemark.api.CheckReport;
import io.tidemark.api.StreamId;
import io.tidemark.api.SystemColumns;

import java.sql.Connection;

/**
 * What a JDBC connector supplies to {@link JdbcSource} and {@link JdbcDestination}: its dialect and catalog, and
 * connections. Implementations connect lazily, so that opening a connector never fails and {@link #check} can
 * report an unreachable database as a problem.
 */
public interface JdbcDatabase extends AutoCloseable {

    /** What a connection is for: a writer may need a different locking mode than a reader (SQLite). */
    enum Access { READ, WRITE }

    /** The connection's name in the workspace, for messages. */
    String connectionName();

    Dialect dialect();

    Catalog catalog();

    /** The namespace a {@link StreamId} without one lives in; also where {@value SystemColumns#STATE_TABLE} lives. */
    String defaultNamespace();

    /**
     * A new connection in auto-commit mode that the caller closes.
     *
     * @throws io.tidemark.api.TidemarkException classified, when the database cannot be opened
     */
    Connection connect(Access access);

    /** Every problem with the connection at once, each with its fix. Never throws for a problem found. */
    CheckReport check();

    default StreamId resolve(StreamId table) {
        return table.namespace() != null ? table : new StreamId(defaultNamespace(), table.name());
    }

    default StreamId stateTable() { return new StreamId(defaultNamespace(), SystemColumns.STATE_TABLE); }

    /** Releases what {@link #connect} keeps open (DuckDB's file lock); connections handed out are closed by then. */
    @Override
    void close();
}
