package io.tidemark.connector.postgres;

import io.tidemark.api.CaptureSpec;
import io.tidemark.api.ChangeStream;
import io.tidemark.api.LogEvent;
import io.tidemark.api.LogPosition;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.StreamReader;
import io.tidemark.connector.postgres.PgCatalog.PgColumn;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One open read of a capture's slot: a replication connection streaming {@code pgoutput} (protocol 1, text values),
 * and a normal connection that first holds the slot's exported snapshot for {@link #snapshot} and then answers
 * catalog questions. Replication starts with the first {@link #poll} (or {@link #acknowledge}), which ends the
 * snapshot.
 */
final class PostgresChangeStream implements ChangeStream {
    /**
     * Both sessions print values alike, so that text from the log and the snapshot's {@code ::text} casts agree and
     * parse: ISO dates, UTC, shortest exact floats, hex bytea, the default interval style.
     */
    private static final String SESSION_SETTINGS = "set datestyle = 'ISO, MDY'; set timezone = 'UTC'; set extra_float_digits = 3;"
            + " set bytea_output = 'hex'; set intervalstyle = 'postgres'";
    /**
     * The insert position, not the flush position: with asynchronous commit a transaction is visible before its log is
     * flushed, and "everything available now" must include it (the server sends it once flushed, moments later). At a
     * page start the insert position lies past the page header, where no record ends: the end is the page boundary.
     */
    private static final String END_LSN = "select (l - case when (l - '0/0'::pg_lsn) % pg_size_bytes(current_setting('wal_segment_size')) = 40"
            + " then 40 when (l - '0/0'::pg_lsn) % current_setting('wal_block_size')::int = 24 then 24 else 0 end)::text"
            + " from (select " + PostgresCapture.CURRENT_LSN + " as l) p";
    private static final int STATUS_INTERVAL_SECONDS = 1;
    private static final long IDLE_SLEEP_MILLIS = 1;

    private final PostgresConfig config;
    private final String slot;
    private final String what;
    private final LogPosition start;
    private final boolean created;
    private final PgConnection replication;
    private final PgOutputDecoder decoder;
    private final long tableOid;
    /** The normal connection: in the snapshot's transaction until streaming starts, then in autocommit; opened lazily when resuming. */
    private Connection query;
    private boolean inSnapshot;
    private PGReplicationStream stream;
    /** The latest position the stream has reported as delivered (commit end or progress): no Progress repeats it. */
    private long delivered;
    private boolean closed;

    private PostgresChangeStream(PostgresConfig config, CaptureSpec spec, String slot, long tableOid, String what, LogPosition start,
                                 boolean created, PgConnection replication, Connection query) {
        this.config = config;
        this.slot = slot;
        this.what = what;
        this.start = start;
        this.created = created;
        this.replication = replication;
        this.query = query;
        this.inSnapshot = query != null;
        this.delivered = start.value();
        this.tableOid = tableOid;
        this.decoder = new PgOutputDecoder(spec.schema(), tableOid, new PgOutputDecoder.TableCatalog() {
            @Override
            public List<PgColumn> columns(List<String> names, List<Long> typeOids, List<Integer> typmods) {
                return columnTypes(names, typeOids, typmods);
            }

            @Override
            public boolean generated(String column) { return PostgresChangeStream.this.generated(column); }

            @Override
            public List<String> primaryKey() { return PostgresChangeStream.this.primaryKey(); }
        }, spec.model().primaryKey().isEmpty(), what);
    }

    /**
     * Creates the slot, exporting its snapshot, and imports that snapshot on a normal connection before the replication
     * connection runs anything else (which would end the export).
     */
    static PostgresChangeStream create(PostgresConfig config, CaptureSpec spec, String slot, long tableOid, String what) {
        PgConnection replication = null;
        Connection query = null;
        try {
            replication = config.connectReplication();
            Sql.execute(replication, SESSION_SETTINGS);
            ReplicationSlotInfo info = replication.getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(slot).withOutputPlugin("pgoutput").make();
            query = config.connect();
            Sql.execute(query, SESSION_SETTINGS);
            query.setAutoCommit(false);
            Sql.execute(query, "set transaction isolation level repeatable read, read only");
            Sql.execute(query, "set transaction snapshot " + Sql.literal(info.getSnapshotName()));
            return new PostgresChangeStream(config, spec, slot, tableOid, what, Lsn.position(info.getConsistentPoint()), true, replication, query);
        } catch (SQLException e) {
            closeQuietly(query);
            closeQuietly(replication);
            throw PostgresErrors.classify(e, what + ": creating replication slot " + slot);
        }
    }

    static PostgresChangeStream resume(PostgresConfig config, CaptureSpec spec, String slot, long tableOid, LogPosition from, String what) {
        PgConnection replication = null;
        try {
            replication = config.connectReplication();
            Sql.execute(replication, SESSION_SETTINGS);
            PostgresChangeStream stream = new PostgresChangeStream(config, spec, slot, tableOid, what, from, false, replication, null);
            stream.startStreaming();
            return stream;
        } catch (SQLException e) {
            closeQuietly(replication);
            throw PostgresErrors.classify(e, what + ": starting replication from slot " + slot + " at " + from);
        }
    }

    @Override
    public LogPosition start() { return start; }

    @Override
    public Optional<StreamReader> snapshot(ReadRequest request) {
        if (!created) return Optional.empty();
        if (!inSnapshot) {
            throw new IllegalStateException("the snapshot is read before the first poll or acknowledge");
        }
        return Optional.of(PostgresReader.onConnection(query, config, request));
    }

    @Override
    public LogPosition currentEnd() {
        try (Statement s = query().createStatement(); ResultSet rs = s.executeQuery(END_LSN)) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": reading the end of the log");
        }
    }

    @Override
    public List<LogEvent> poll(int maxEvents, Duration wait) {
        if (maxEvents <= 0) return List.of();
        try {
            if (stream == null) startStreaming();
            List<LogEvent> events = new ArrayList<>(Math.min(maxEvents, 1024));
            long deadline = System.nanoTime() + wait.toNanos();
            while (events.size() < maxEvents) {
                ByteBuffer message = stream.readPending();
                if (message != null) {
                    LogEvent event = decoder.decode(message);
                    if (event == null) continue;
                    events.add(event);
                    if (event instanceof LogEvent.Commit commit) delivered = commit.endPosition().value();
                    continue;
                }
                progress().ifPresent(events::add);
                if (!events.isEmpty() || System.nanoTime() >= deadline) break;
                Thread.sleep(IDLE_SLEEP_MILLIS);
            }
            return events;
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": reading replication slot " + slot);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /**
     * Outside a transaction, a keepalive that moved the received position past everything delivered says the server
     * has sent every change before it (others' transactions are filtered out by the publication).
     */
    private Optional<LogEvent> progress() {
        long received = stream.getLastReceiveLSN().asLong();
        if (decoder.inTransaction() || Long.compareUnsigned(received, delivered) <= 0) return Optional.empty();
        delivered = received;
        return Optional.of(new LogEvent.Progress(Lsn.position(received)));
    }

    @Override
    public void acknowledge(LogPosition position) {
        try {
            if (stream == null) startStreaming();
            stream.setFlushedLSN(Lsn.of(position));
            stream.setAppliedLSN(Lsn.of(position));
            stream.forceUpdateStatus();
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": acknowledging " + position + " to replication slot " + slot);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (stream != null) stream.close();
        } catch (SQLException e) {
            // closing the connection below ends the replication on the server as well
        }
        closeQuietly(replication);
        closeQuietly(query);
    }

    /** Ends the snapshot (its reads are done) and streams from {@link #start()}. */
    private void startStreaming() throws SQLException {
        if (inSnapshot) {
            query.commit();
            query.setAutoCommit(true);
            inSnapshot = false;
        }
        stream = replication.getReplicationAPI().replicationStream().logical()
                .withSlotName(slot)
                .withStartPosition(Lsn.of(start))
                .withSlotOption("proto_version", "1")
                .withSlotOption("publication_names", slot)
                .withStatusInterval(STATUS_INTERVAL_SECONDS, TimeUnit.SECONDS)
                // the driver would otherwise confirm whatever it received: only acknowledge() may release the log
                .withAutomaticFlush(false)
                .start();
    }

    private List<PgColumn> columnTypes(List<String> names, List<Long> typeOids, List<Integer> typmods) {
        try {
            return PgCatalog.typedColumns(query(), names, typeOids, typmods, Collections.nCopies(names.size(), false));
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": reading the table's column types");
        }
    }

    private boolean generated(String column) {
        try (PreparedStatement s = query().prepareStatement(
                "select attgenerated <> '' from pg_attribute where attrelid = ? and attname = ? and not attisdropped")) {
            s.setLong(1, tableOid);
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": reading the table's columns");
        }
    }

    private List<String> primaryKey() {
        try {
            return PgCatalog.primaryKey(query(), tableOid);
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what + ": reading the table's primary key");
        }
    }

    private Connection query() throws SQLException {
        if (query == null) {
            query = config.connect();
            Sql.execute(query, SESSION_SETTINGS);
        }
        return query;
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException e) {
            // nothing to keep: the capture's state lives in the slot
        }
    }
}
