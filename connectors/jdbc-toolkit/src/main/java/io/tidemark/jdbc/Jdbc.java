package io.tidemark.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Running a statement without parameters, and cleanup on paths that are already failing or finished, where a second
 * exception would only hide the first.
 */
final class Jdbc {
    private Jdbc() {}

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs {@code sql}; returns its update count. */
    static long executeUpdate(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            return s.executeLargeUpdate(sql);
        }
    }

    static void closeQuietly(AutoCloseable resource) {
        if (resource == null) return;
        try {
            resource.close();
        } catch (Exception ignored) {
            // nothing left to do with a resource that cannot even close
        }
    }

    /** Ends the connection's open transaction without applying it, then closes the connection. */
    static void rollbackAndClose(Connection connection) {
        if (connection == null) return;
        try {
            if (!connection.isClosed() && !connection.getAutoCommit()) connection.rollback();
        } catch (SQLException ignored) {
            // closing below discards the transaction as well
        }
        closeQuietly(connection);
    }
}
