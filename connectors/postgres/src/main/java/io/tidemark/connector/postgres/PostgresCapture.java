package io.tidemark.connector.postgres;

import io.tidemark.api.CaptureSpec;
import io.tidemark.api.CaptureStatus;
import io.tidemark.api.ChangeCapture;
import io.tidemark.api.ChangeStream;
import io.tidemark.api.CheckReport;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;
import io.tidemark.api.LogPosition;
import io.tidemark.api.StreamId;
import io.tidemark.api.TidemarkException;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Change capture of one table through a logical replication slot with the built-in {@code pgoutput} plugin and a
 * publication of that table alone, both named after the capture. Holds no connection between calls.
 */
final class PostgresCapture implements ChangeCapture {
    private static final Pattern PLAIN_NAME = Pattern.compile("[a-z0-9_]+");
    private static final String PREFIX = "tidemark_";
    private static final int MAX_NAME_LENGTH = 63;
    /** How long a slot may stay active after its reader closed: the server notices a closed connection within moments. */
    private static final long RELEASE_WAIT_MILLIS = 5_000;

    private final PostgresConfig config;
    private final CaptureSpec spec;
    private final StreamId table;
    /** The slot's and the publication's name (they live in separate namespaces). */
    private final String name;
    private final String what;

    PostgresCapture(PostgresConfig config, CaptureSpec spec) {
        this.config = config;
        this.spec = spec;
        this.table = config.resolve(spec.model().table());
        this.name = objectName(spec.name());
        this.what = config.label() + ": capturing " + table;
    }

    /**
     * {@code tidemark_<name>} when the name is already a plain lowercase identifier that fits in 63 characters; else
     * the name lowercased, with other characters replaced by {@code _}, cut to fit, and a hash of the exact name
     * appended, so that distinct names never share a slot.
     */
    static String objectName(String captureName) {
        if (PLAIN_NAME.matcher(captureName).matches() && PREFIX.length() + captureName.length() <= MAX_NAME_LENGTH) {
            return PREFIX + captureName;
        }
        CRC32 crc = new CRC32();
        crc.update(captureName.getBytes(StandardCharsets.UTF_8));
        String hash = "_" + String.format("%08x", crc.getValue());
        String cleaned = captureName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        int room = MAX_NAME_LENGTH - PREFIX.length() - hash.length();
        return PREFIX + cleaned.substring(0, Math.min(room, cleaned.length())) + hash;
    }

    String name() { return name; }

    @Override
    public CheckReport check() { return CaptureCheck.run(config, table, name); }

    /**
     * A new capture starts only when every prerequisite holds: publishing a table without a replica identity would make
     * Postgres refuse the application's own updates and deletes of it.
     */
    private void refuseUnlessReady() {
        CheckReport report = check();
        if (report.ok()) return;
        Problem first = report.problems().getFirst();
        throw new TidemarkException(first.code(), report.problems().stream().map(p -> p.message() + " (fix: " + p.fix() + ")")
                .collect(java.util.stream.Collectors.joining("; ")) + "; fix this, then run again");
    }

    @Override
    public Optional<CaptureStatus> status() {
        try (Connection c = config.connect()) {
            return slot(c).map(SlotState::status);
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": reading the replication slot");
        }
    }

    @Override
    public ChangeStream open(Optional<LogPosition> resumeFrom) {
        if (resumeFrom.isEmpty()) refuseUnlessReady();
        long tableOid;
        try (Connection c = config.connect()) {
            tableOid = tableOid(c);
            if (resumeFrom.isPresent()) {
                SlotState slot = slot(c).orElseThrow(() -> new TidemarkException(ErrorCode.CAPTURE_LOST, "replication slot " + name
                        + " of " + table + " no longer exists at " + config.label() + " (dropped, or lost in a failover); resync the sync to start"
                        + " capturing again (re-reads the table)"));
                slot.invalidation().ifPresent(reason -> {
                    throw new TidemarkException(ErrorCode.CAPTURE_LOST, what + ": the source removed the log replication slot " + name
                            + " needed (" + reason + "); resync the sync to start capturing again (re-reads the table)");
                });
                if (!published(c)) {
                    throw new TidemarkException(ErrorCode.CAPTURE_LOST, what + ": publication " + name + " no longer holds the table"
                            + " (it was dropped and recreated, or removed from the publication); resync the sync to start capturing again"
                            + " (re-reads the table)");
                }
                awaitReleased(c);
            } else {
                dropSlot(c);
                publish(c);
            }
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": preparing the replication slot");
        }
        return resumeFrom.isPresent()
                ? PostgresChangeStream.resume(config, spec, name, tableOid, resumeFrom.get(), what)
                : PostgresChangeStream.create(config, spec, name, tableOid, what);
    }

    @Override
    public void drop() {
        try (Connection c = config.connect()) {
            dropSlot(c);
            Sql.execute(c, "drop publication if exists " + Sql.ident(name));
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": dropping replication slot and publication " + name);
        }
    }

    private long tableOid(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                + " where n.nspname = ? and c.relname = ? and c.relkind = 'r'")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw PgCatalog.tableNotFound(c, what, table);
                return rs.getLong(1);
            }
        }
    }

    private boolean published(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from pg_publication_tables where pubname = ? and schemaname = ? and tablename = ?")) {
            ps.setString(1, name);
            ps.setString(2, table.namespace());
            ps.setString(3, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Creates the publication of the table, or points an existing one of that name at it. */
    private void publish(Connection c) throws SQLException {
        if (published(c)) return;
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("select 1 from pg_publication where pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        Sql.execute(c, (exists ? "alter publication " + Sql.ident(name) + " set table " : "create publication " + Sql.ident(name) + " for table ")
                + Sql.table(table));
    }

    /** Drops the slot if there is one, once no reader holds it. */
    private void dropSlot(Connection c) throws SQLException {
        if (slot(c).isEmpty()) return;
        awaitReleased(c);
        try (PreparedStatement ps = c.prepareStatement("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, name);
            ps.execute();
        }
    }

    /**
     * Waits briefly for the slot to have no reader: one that just closed is released within moments. A reader that
     * stays is another run of the sync, which is not ours to stop.
     */
    private void awaitReleased(Connection c) throws SQLException {
        long deadline = System.nanoTime() + RELEASE_WAIT_MILLIS * 1_000_000;
        for (Optional<SlotState> slot = slot(c); slot.isPresent() && slot.get().activePid() != 0; slot = slot(c)) {
            if (System.nanoTime() > deadline) {
                throw new TidemarkException(ErrorCode.SYNC_RUNNING, what + ": replication slot " + name + " is in use by pid "
                        + slot.get().activePid() + "; stop the running sync first");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TidemarkException(ErrorCode.CANCELLED, what + ": interrupted while waiting for replication slot " + name);
            }
        }
    }

    /**
     * The slot as {@code pg_replication_slots} shows it. {@code wal_status} (Postgres 13) and
     * {@code invalidation_reason} (17) are read through {@code to_jsonb} so that older servers, which lack them, work.
     */
    private Optional<SlotState> slot(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select s.confirmed_flush_lsn::text, coalesce(s.active_pid, 0),"
                + " to_jsonb(s) ->> 'wal_status', to_jsonb(s) ->> 'invalidation_reason', w.lsn::text,"
                + " coalesce(pg_wal_lsn_diff(w.lsn, s.confirmed_flush_lsn), 0)::int8"
                + " from pg_replication_slots s, (select " + CURRENT_LSN + " as lsn) w where s.slot_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                String confirmed = rs.getString(1);
                return Optional.of(new SlotState(Lsn.parse(confirmed == null ? "0/0" : confirmed), rs.getInt(2), rs.getString(3),
                        rs.getString(4), Lsn.parse(rs.getString(5)), rs.getLong(6)));
            }
        }
    }

    /**
     * The end of the log now, including what is not yet written out (asynchronous commits); a standby (logical
     * decoding on standbys, Postgres 16) has only what it replayed.
     */
    static final String CURRENT_LSN = "case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_insert_lsn() end";

    private record SlotState(LogPosition confirmed, int activePid, String walStatus, String invalidationReason, LogPosition current,
                             long lagBytes) {
        Optional<String> invalidation() {
            if (invalidationReason != null) return Optional.of("invalidated: " + invalidationReason);
            if ("lost".equals(walStatus)) return Optional.of("wal_status lost: the log it needed was removed, max_slot_wal_keep_size exceeded");
            return Optional.empty();
        }

        CaptureStatus status() {
            return new CaptureStatus(confirmed, current, Math.max(0, lagBytes), activePid != 0, invalidation());
        }
    }
}
