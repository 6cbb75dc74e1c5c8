package io.tidemark.jdbc;

import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.StreamId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The destination's {@value io.tidemark.api.SystemColumns#STATE_TABLE} table: one row per sync with the checkpoint
 * committed in the same transaction as the data it covers.
 */
final class StateTable {
    private static final DataType KEY = DataType.STRING;
    private final Dialect dialect;
    private final Catalog catalog;
    private final StreamId table;
    private final String name;

    StateTable(Dialect dialect, Catalog catalog, StreamId table) {
        this.dialect = dialect;
        this.catalog = catalog;
        this.table = table;
        this.name = dialect.qualified(table);
    }

    void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " (sync_key " + dialect.typeName(KEY) + " NOT NULL PRIMARY KEY, run_id "
                    + dialect.typeName(DataType.INT64) + " NOT NULL, checkpoint " + dialect.typeName(DataType.STRING)
                    + " NOT NULL, committed_at " + dialect.typeName(DataType.TIMESTAMPTZ) + " NOT NULL)");
        }
    }

    Optional<CommittedState> read(Connection c, String syncKey) throws SQLException {
        if (catalog.describe(c, table).isEmpty()) return Optional.empty();
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, checkpoint, committed_at FROM " + name + " WHERE sync_key = ?")) {
            dialect.binder(KEY).bind(ps, 1, syncKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                long runId = (Long) dialect.reader(DataType.INT64).read(rs, 1);
                String checkpoint = (String) dialect.reader(DataType.STRING).read(rs, 2);
                OffsetDateTime at = (OffsetDateTime) dialect.reader(DataType.TIMESTAMPTZ).read(rs, 3);
                return Optional.of(new CommittedState(syncKey, runId, checkpoint, at.toInstant()));
            }
        }
    }

    /** Replaces the sync's row; the caller's transaction makes it visible together with the data. */
    void write(Connection c, CommittedState state) throws SQLException {
        delete(c, state.syncKey());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + name
                + " (sync_key, run_id, checkpoint, committed_at) VALUES (?, ?, ?, ?)")) {
            dialect.binder(KEY).bind(ps, 1, state.syncKey());
            dialect.binder(DataType.INT64).bind(ps, 2, state.runId());
            dialect.binder(DataType.STRING).bind(ps, 3, state.checkpoint());
            dialect.binder(DataType.TIMESTAMPTZ).bind(ps, 4, state.committedAt().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    void delete(Connection c, String syncKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + name + " WHERE sync_key = ?")) {
            dialect.binder(KEY).bind(ps, 1, syncKey);
            ps.executeUpdate();
        }
    }
}
