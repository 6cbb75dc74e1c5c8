package io.tidemark.connector.postgres;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.TidemarkException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * REPLACE: loads a shadow table created in the writer's transaction and swaps it in at commit. Readers see the old
 * table until the commit; a crash at any instant rolls back the shadow with everything else.
 *
 * <p>The shadow is created without its primary key and the key is added after loading: building one index over
 * sorted input is much faster than maintaining it row by row. Because the shadow is created in the same transaction,
 * COPY may use {@code FREEZE} (rows are written pre-frozen, sparing a later vacuum pass over the whole table).
 */
final class ShadowLoad implements Load {
    private final StreamId target;
    private final StreamId shadow;
    private final List<String> primaryKey;
    private final String shadowKeyName;
    private final String targetKeyName;
    private final String what;

    private ShadowLoad(StreamId target, List<String> primaryKey, String what) {
        this.target = target;
        this.what = what;
        this.shadow = new StreamId(target.namespace(), Sql.derivedName(target.name(), PgCatalog.SHADOW_SUFFIX));
        this.primaryKey = List.copyOf(primaryKey);
        this.shadowKeyName = Sql.derivedName(target.name(), PgCatalog.SHADOW_SUFFIX + "_pkey");
        this.targetKeyName = Sql.derivedName(target.name(), "_pkey");
    }

    /**
     * Drops a shadow left committed by an earlier run; a run of this version never leaves one (it lives and dies with
     * the writer's transaction), but one from a crashed older version or made by hand would block the load.
     */
    static ShadowLoad prepare(Connection c, StreamId target, List<String> primaryKey, String what) throws SQLException {
        ShadowLoad load = new ShadowLoad(target, primaryKey, what);
        Sql.execute(c, "drop table if exists " + Sql.table(load.shadow));
        return load;
    }

    @Override
    public String create(Connection c, List<LoadColumn> layout) throws SQLException {
        Sql.execute(c, "create table " + Sql.table(shadow) + " ("
                + layout.stream().map(LoadColumn::loadDefinition).collect(Collectors.joining(", ")) + ")");
        return "COPY " + Sql.table(shadow) + " (" + LoadColumn.names(layout) + ") FROM STDIN (FORMAT binary, FREEZE)";
    }

    @Override
    public boolean flushesPeriodically() { return false; }

    @Override
    public void flush(Connection c, List<LoadColumn> layout) {
        throw new IllegalStateException("a shadow table becomes the target; it is never flushed");
    }

    @Override
    public void finish(Connection c, List<LoadColumn> layout) throws SQLException {
        String casts = layout.stream().filter(LoadColumn::needsCast)
                .map(l -> "alter column " + Sql.ident(l.name()) + " type " + l.targetType() + " using " + Sql.ident(l.name()) + "::" + l.targetType())
                .collect(Collectors.joining(", "));
        if (!casts.isEmpty()) Sql.execute(c, "alter table " + Sql.table(shadow) + " " + casts);
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
    }
}
