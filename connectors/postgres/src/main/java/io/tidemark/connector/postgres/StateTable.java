package io.tidemark.connector.postgres;

import io.tidemark.api.CommittedState;
import io.tidemark.api.SystemColumns;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

/** The destination's {@code _tidemark_state} table: one row per sync, written in the same transaction as its data. */
record StateTable(String schema) {
    private static final Set<String> CREATE_RACE = Set.of("23505", "42P07", "42710");

    String table() { return Sql.ident(schema) + "." + Sql.ident(SystemColumns.STATE_TABLE); }

    /** Looks first: CREATE … IF NOT EXISTS would need the CREATE privilege even when the table is there. */
    void ensureExists(Connection c) throws SQLException {
        if (exists(c)) return;
        try {
            Sql.execute(c, "create table if not exists " + table() + " (sync_key text primary key, run_id bigint not null,"
                    + " checkpoint text not null, committed_at timestamptz not null)");
        } catch (SQLException e) {
            // Another writer created it at the same instant: IF NOT EXISTS does not cover that race, which surfaces as
            // a duplicate table, a duplicate row type (42710) or a unique violation in the catalog, by timing.
            if (!CREATE_RACE.contains(e.getSQLState()) || !exists(c)) throw e;
        }
    }

    Optional<CommittedState> find(Connection c, String syncKey) throws SQLException {
        if (!exists(c)) return Optional.empty();
        try (PreparedStatement ps = c.prepareStatement("select run_id, checkpoint, committed_at from " + table() + " where sync_key = ?")) {
            ps.setString(1, syncKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new CommittedState(syncKey, rs.getLong(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
            }
        }
    }

    void save(Connection c, CommittedState s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into " + table() + " (sync_key, run_id, checkpoint, committed_at)"
                + " values (?, ?, ?, ?) on conflict (sync_key) do update set run_id = excluded.run_id,"
                + " checkpoint = excluded.checkpoint, committed_at = excluded.committed_at")) {
            ps.setString(1, s.syncKey());
            ps.setLong(2, s.runId());
            ps.setString(3, s.checkpoint());
            ps.setObject(4, OffsetDateTime.ofInstant(s.committedAt(), ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    void delete(Connection c, String syncKey) throws SQLException {
        if (!exists(c)) return;
        try (PreparedStatement ps = c.prepareStatement("delete from " + table() + " where sync_key = ?")) {
            ps.setString(1, syncKey);
            ps.executeUpdate();
        }
    }

    private boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select to_regclass(?) is not null")) {
            ps.setString(1, table());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
