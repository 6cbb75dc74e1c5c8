package io.tidemark.connector.postgres;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteRequest;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * REPLACE: loads a shadow table created in the writer's transaction and swaps it in at commit. Readers see the old
 * table until the commit; a crash at any instant rolls back the shadow with everything else.
 *
 * <p>The shadow is created without its primary key and the key is added after loading: building one index over
 * sorted input is much faster than maintaining it row by row. Because the shadow is created in the same transaction,
 * COPY may use {@code FREEZE} (rows are written pre-frozen, sparing a later vacuum pass over the whole table).
 *
 * <p>A history table (an append sync reloaded) gets its two history columns with the run's values as defaults, so
 * that the same COPY of the stream's columns, raw or decoded, fills them; the defaults are dropped before the swap.
 * A plain replace has no such columns and pays nothing for them.
 */
final class ShadowLoad implements Load {
    private final StreamId target;
    private final StreamId shadow;
    private final List<String> primaryKey;
    private final Optional<HistoryColumns> history;
    private final String shadowKeyName;
    private final String targetKeyName;
    private final String what;

    private ShadowLoad(StreamId target, List<String> primaryKey, Optional<HistoryColumns> history, String what) {
        this.target = target;
        this.what = what;
        this.shadow = new StreamId(target.namespace(), Sql.derivedName(target.name(), PgCatalog.SHADOW_SUFFIX));
        this.primaryKey = List.copyOf(primaryKey);
        this.history = history;
        this.shadowKeyName = Sql.derivedName(target.name(), PgCatalog.SHADOW_SUFFIX + "_pkey");
        this.targetKeyName = Sql.derivedName(target.name(), "_pkey");
    }

    /**
     * Drops a shadow left committed by an earlier run; a run of this version never leaves one (it lives and dies with
     * the writer's transaction), but one from a crashed older version or made by hand would block the load.
     */
    static ShadowLoad prepare(Connection c, WriteRequest request, StreamId target, String what) throws SQLException {
        ShadowLoad load = new ShadowLoad(target, request.schema().primaryKey(), HistoryColumns.of(request), what);
        Sql.execute(c, "drop table if exists " + Sql.table(load.shadow));
        return load;
    }

    @Override
    public String create(Connection c, List<LoadColumn> layout) throws SQLException {
        List<String> definitions = new ArrayList<>(layout.stream().map(LoadColumn::loadDefinition).toList());
        history.ifPresent(h -> definitions.add(h.definitionsDefaultingToTheRun()));
        Sql.execute(c, "create table " + Sql.table(shadow) + " (" + String.join(", ", definitions) + ")");
        return "COPY " + Sql.table(shadow) + " (" + LoadColumn.names(layout) + ") FROM STDIN (FORMAT binary, FREEZE)";
    }

    @Override
    public boolean flushesPeriodically() { return false; }

    @Override
    public long flush(Connection c, List<LoadColumn> layout, long loadedRows) {
        throw new IllegalStateException("a shadow table becomes the target; it is never flushed");
    }

    /** Every loaded row becomes the target's: none is skipped (a repeated key fails the run instead). */
    @Override
    public long finish(Connection c, List<LoadColumn> layout, long loadedRows) throws SQLException {
        List<String> alterations = new ArrayList<>(layout.stream().filter(LoadColumn::needsCast)
                .map(l -> "alter column " + Sql.ident(l.name()) + " type " + l.targetType() + " using " + Sql.ident(l.name()) + "::" + l.targetType())
                .toList());
        if (history.isPresent()) alterations.add(HistoryColumns.dropDefaults());
        if (!alterations.isEmpty()) Sql.execute(c, "alter table " + Sql.table(shadow) + " " + String.join(", ", alterations));
        if (!primaryKey.isEmpty()) {
            try {
                Sql.execute(c, "alter table " + Sql.table(shadow) + " add constraint " + Sql.ident(shadowKeyName)
                        + " primary key (" + Sql.identList(primaryKey) + ")");
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) throw e;
                throw new TidemarkException(ErrorCode.DESTINATION_REJECTED, what + ": the rows repeat a primary key ("
                        + PostgresErrors.detail(e) + "); check that the model's primary_key identifies a row", e);
            }
        }
        // Only now is the old table locked, for the moment of the swap.
        Sql.execute(c, "drop table if exists " + Sql.table(target));
        Sql.execute(c, "alter table " + Sql.table(shadow) + " rename to " + Sql.ident(target.name()));
        if (!primaryKey.isEmpty()) {
            Sql.execute(c, "alter table " + Sql.table(target) + " rename constraint " + Sql.ident(shadowKeyName)
                    + " to " + Sql.ident(targetKeyName));
        }
        return 0;
    }
}
