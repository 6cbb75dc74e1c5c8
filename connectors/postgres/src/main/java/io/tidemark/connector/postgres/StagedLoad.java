package io.tidemark.connector.postgres;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/**
 * UPSERT and APPEND: rows are COPYed into a {@link StagingTable} and merged into the target with one {@code INSERT …
 * SELECT} per flush. The staging sequence keeps arrival order, so that duplicate keys within a run resolve to the last
 * row (upsert; {@code ON CONFLICT} cannot touch a row twice) or the first (append, whose later duplicates are "already
 * held").
 *
 * <p>Changes to the target itself (creating it, adding columns, widening column types) are checked when the writer
 * opens but applied at the first flush, normally the commit: {@code ALTER TABLE} locks out readers until the
 * transaction ends.
 */
final class StagedLoad implements Load {
    private final WriteRequest request;
    private final TargetTable target;
    private final StagingTable staging = new StagingTable("_tidemark_staging");
    private boolean flushedBefore;

    private StagedLoad(WriteRequest request, TargetTable target) {
        this.request = request;
        this.target = target;
    }

    /** Checks the target against the incoming schema; refuses columns that cannot hold the incoming values. */
    static StagedLoad prepare(Connection c, WriteRequest request, StreamId target, String what) throws SQLException {
        for (String column : request.appendDedupColumns()) {
            if (request.schema().indexOf(column) < 0) {
                throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, what + ": append dedup column \"" + column
                        + "\" is not in the stream (columns: " + String.join(", ", request.schema().columnNames()) + ")");
            }
        }
        return new StagedLoad(request, TargetTable.check(c, request, target, what));
    }

    @Override
    public String create(Connection c, List<LoadColumn> layout) throws SQLException {
        return staging.create(c, layout);
    }

    @Override
    public boolean flushesPeriodically() { return true; }

    @Override
    public long flush(Connection c, List<LoadColumn> layout, long loadedRows) throws SQLException {
        target.ensureReady(c);
        boolean firstFlush = !flushedBefore;
        flushedBefore = true;
        long applied;
        if (request.mode() == WriteMode.UPSERT) {
            List<String> key = request.schema().primaryKey();
            boolean updates = layout.stream().anyMatch(l -> !key.contains(l.name()));
            // An update counts as applied, yet it supersedes a row when an earlier flush of this run wrote that key.
            // (Without updates, DO NOTHING leaves such keys unaffected: they are counted as skipped already.)
            long superseded = firstFlush || !updates ? 0 : keysAnEarlierFlushWrote(c, layout, key);
            applied = Sql.update(c, new KeyedSql(target, staging, layout, key).upsert()) - superseded;
        } else {
            applied = appendFlush(c, layout);
        }
        staging.empty(c);
        return loadedRows - applied;
    }

    /** Keys in staging whose target row this transaction wrote (its {@code xmin} is our transaction id). */
    private long keysAnEarlierFlushWrote(Connection c, List<LoadColumn> layout, List<String> key) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from (select distinct " + Sql.identList(key) + " from " + staging.sql() + ") s join "
                     + target.sql() + " t on " + LoadColumn.match(layout, key, "t", "s")
                     + " where t.xmin = (select (txid_current() % 4294967296)::text::xid)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long appendFlush(Connection c, List<LoadColumn> layout) throws SQLException {
        List<String> dedup = request.appendDedupColumns();
        String rows;
        if (dedup.isEmpty()) {
            rows = staging.sql() + " s";
        } else {
            // IS NOT DISTINCT FROM matches NULLs but cannot drive a hash join; plain = can, where NULL is impossible.
            String held = LoadColumn.match(layout, dedup, "t", "s", d -> !target.notNull(d));
            rows = "(" + staging.onePerKey(dedup, false) + ") s where not exists (select 1 from " + target.sql() + " t where " + held + ")";
        }
        try (PreparedStatement ps = c.prepareStatement("insert into " + target.sql() + " (" + LoadColumn.names(layout) + ", "
                + Sql.ident(SystemColumns.SYNCED_AT) + ", " + Sql.ident(SystemColumns.RUN_ID) + ") select "
                + layout.stream().map(l -> l.value("s")).collect(Collectors.joining(", ")) + ", ?::timestamptz, ?::bigint from " + rows)) {
            ps.setObject(1, OffsetDateTime.ofInstant(request.runStartedAt(), ZoneOffset.UTC));
            ps.setLong(2, request.runId());
            return ps.executeLargeUpdate();
        }
    }

    @Override
    public long finish(Connection c, List<LoadColumn> layout, long loadedRows) throws SQLException {
        return flush(c, layout, loadedRows);
    }
}
