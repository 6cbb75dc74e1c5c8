package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.connector.postgres.PgCatalog.PgColumn;
import io.tidemark.connector.postgres.PgCatalog.PgRelation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * UPSERT and APPEND: rows are COPYed into a temporary staging table ({@code ON COMMIT DROP}, no WAL) and merged into
 * the target with one {@code INSERT … SELECT} per flush. A sequence column in staging keeps arrival order, so that
 * duplicate keys within a run resolve to the last row (upsert; {@code ON CONFLICT} cannot touch a row twice) or the
 * first (append, whose later duplicates are "already held").
 *
 * <p>Changes to the target itself (creating it, adding columns) are checked when the writer opens but applied at
 * the first flush, normally the commit: {@code ALTER TABLE} locks out readers until the transaction ends.
 */
final class StagedLoad implements Load {
    private static final String STAGING = "pg_temp." + Sql.ident("_tidemark_staging");
    private static final String SEQUENCE = Sql.ident("_tidemark_seq");

    private final WriteRequest request;
    private final StreamId target;
    /** Columns to create the target with, or empty when it exists. */
    private final Optional<List<Column>> create;
    private final List<Column> addColumns;
    private final Set<String> notNullInTarget;
    private boolean targetReady;

    private StagedLoad(WriteRequest request, StreamId target, Optional<List<Column>> create, List<Column> addColumns, Set<String> notNullInTarget) {
        this.request = request;
        this.target = target;
        this.create = create;
        this.addColumns = List.copyOf(addColumns);
        this.notNullInTarget = Set.copyOf(notNullInTarget);
    }

    /** Checks the target against the incoming schema; refuses columns that cannot hold the incoming values. */
    static StagedLoad prepare(Connection c, WriteRequest request, StreamId target, String what) throws SQLException {
        StreamSchema schema = request.schema();
        if (request.mode() == WriteMode.UPSERT && schema.primaryKey().isEmpty()) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, what + ": upsert needs a primary key; set primary_key on the model");
        }
        for (String column : request.appendDedupColumns()) {
            if (schema.indexOf(column) < 0) {
                throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, what + ": append dedup column \"" + column
                        + "\" is not in the stream (columns: " + String.join(", ", schema.columnNames()) + ")");
            }
        }
        boolean postgres = PgTypes.DIALECT.equals(schema.nativeDialect());
        List<Column> wanted = new ArrayList<>(schema.columns());
        if (request.historyColumns()) wanted.addAll(io.tidemark.api.SystemColumns.history());

        Optional<PgRelation> existing = PgCatalog.relation(c, target);
        if (existing.isEmpty()) {
            Set<String> notNull = wanted.stream().filter(col -> !col.nullable()).map(Column::name).collect(Collectors.toSet());
            return new StagedLoad(request, target, Optional.of(wanted), List.of(), notNull);
        }
        PgRelation relation = existing.get();
        List<Column> missing = new ArrayList<>();
        for (Column column : wanted) {
            Optional<PgColumn> have = relation.column(column.name());
            String incomingType = PgTypes.targetType(column, postgres);
            if (have.isEmpty()) {
                missing.add(column);
            } else if (!holds(have.get(), column, incomingType)) {
                throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, what + ": column \"" + column.name() + "\" of "
                        + target + " is " + have.get().actualType() + ", which cannot hold the incoming " + column.type()
                        + " (" + incomingType + "); resync the sync to recreate the table, or drop the table or change the column's type");
            }
        }
        if (request.mode() == WriteMode.UPSERT && !PgCatalog.uniqueKeys(c, relation.oid()).contains(Set.copyOf(schema.primaryKey()))) {
            throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, what + ": " + target + " has no primary key or unique index on ("
                    + String.join(", ", schema.primaryKey()) + "), which upsert needs; add one, or drop the table so that Tidemark recreates it");
        }
        Set<String> notNull = new HashSet<>();
        relation.columns().stream().filter(col -> !col.nullable()).forEach(col -> notNull.add(col.name()));
        return new StagedLoad(request, target, Optional.empty(), missing, notNull);
    }

    private static boolean holds(PgColumn existing, Column incoming, String incomingType) {
        return existing.actualType().equalsIgnoreCase(incomingType) || existing.hasCodec() && PgTypes.holds(existing.type(), incoming.type());
    }

    @Override
    public String create(Connection c, List<LoadColumn> layout) throws SQLException {
        Sql.execute(c, "create temp table " + STAGING + " (" + layout.stream().map(LoadColumn::loadDefinition).collect(Collectors.joining(", "))
                + ", " + SEQUENCE + " bigint generated always as identity) on commit drop");
        return "COPY " + STAGING + " (" + LoadColumn.names(layout) + ") FROM STDIN (FORMAT binary)";
    }

    @Override
    public boolean flushesPeriodically() { return true; }

    @Override
    public long flush(Connection c, List<LoadColumn> layout, long loadedRows) throws SQLException {
        boolean firstFlush = !targetReady;
        if (firstFlush) {
            prepareTarget(c);
            targetReady = true;
        }
        String columns = LoadColumn.names(layout);
        String values = layout.stream().map(l -> l.value("s")).collect(Collectors.joining(", "));
        long applied;
        if (request.mode() == WriteMode.UPSERT) {
            List<String> key = request.schema().primaryKey();
            String updates = layout.stream().map(LoadColumn::name).filter(n -> !key.contains(n))
                    .map(n -> Sql.ident(n) + " = excluded." + Sql.ident(n)).collect(Collectors.joining(", "));
            // An update counts as applied, yet it supersedes a row when an earlier flush of this run wrote that key.
            // (Without updates, DO NOTHING leaves such keys unaffected: they are counted as skipped already.)
            long superseded = firstFlush || updates.isEmpty() ? 0 : keysAnEarlierFlushWrote(c, layout, key);
            applied = Sql.update(c, "insert into " + Sql.table(target) + " (" + columns + ") select " + values
                    + " from (select distinct on (" + Sql.identList(key) + ") * from " + STAGING
                    + " order by " + Sql.identList(key) + ", " + SEQUENCE + " desc) s"
                    + " on conflict (" + Sql.identList(key) + ") do " + (updates.isEmpty() ? "nothing" : "update set " + updates))
                    - superseded;
        } else {
            applied = appendFlush(c, layout, columns, values);
        }
        Sql.execute(c, "truncate " + STAGING);
        return loadedRows - applied;
    }

    /** Keys in staging whose target row this transaction wrote (its {@code xmin} is our transaction id). */
    private long keysAnEarlierFlushWrote(Connection c, List<LoadColumn> layout, List<String> key) throws SQLException {
        String matches = layout.stream().filter(l -> key.contains(l.name()))
                .map(l -> "t." + Sql.ident(l.name()) + " = " + l.value("s")).collect(Collectors.joining(" and "));
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from (select distinct " + Sql.identList(key) + " from " + STAGING + ") s join "
                     + Sql.table(target) + " t on " + matches + " where t.xmin = (select (txid_current() % 4294967296)::text::xid)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long appendFlush(Connection c, List<LoadColumn> layout, String columns, String values) throws SQLException {
        List<String> dedup = request.appendDedupColumns();
        String rows;
        if (dedup.isEmpty()) {
            rows = STAGING + " s";
        } else {
            // IS NOT DISTINCT FROM matches NULLs but cannot drive a hash join; plain = can, where NULL is impossible.
            String held = dedup.stream().map(d -> {
                LoadColumn column = layout.stream().filter(l -> l.name().equals(d)).findFirst().orElseThrow();
                return "t." + Sql.ident(d) + (notNullInTarget.contains(d) ? " = " : " is not distinct from ") + column.value("s");
            }).collect(Collectors.joining(" and "));
            rows = "(select distinct on (" + Sql.identList(dedup) + ") * from " + STAGING + " order by " + Sql.identList(dedup) + ", "
                    + SEQUENCE + ") s where not exists (select 1 from " + Sql.table(target) + " t where " + held + ")";
        }
        try (PreparedStatement ps = c.prepareStatement("insert into " + Sql.table(target) + " (" + columns + ", "
                + Sql.ident(SystemColumns.SYNCED_AT) + ", " + Sql.ident(SystemColumns.RUN_ID) + ") select " + values
                + ", ?::timestamptz, ?::bigint from " + rows)) {
            ps.setObject(1, OffsetDateTime.ofInstant(request.runStartedAt(), ZoneOffset.UTC));
            ps.setLong(2, request.runId());
            return ps.executeLargeUpdate();
        }
    }

    @Override
    public long finish(Connection c, List<LoadColumn> layout, long loadedRows) throws SQLException {
        return flush(c, layout, loadedRows);
    }

    private void prepareTarget(Connection c) throws SQLException {
        boolean postgres = PgTypes.DIALECT.equals(request.schema().nativeDialect());
        if (create.isPresent()) {
            String definitions = create.get().stream()
                    .map(col -> Sql.ident(col.name()) + " " + PgTypes.targetType(col, postgres) + (col.nullable() ? "" : " not null"))
                    .collect(Collectors.joining(", "));
            String key = request.mode() == WriteMode.UPSERT ? ", primary key (" + Sql.identList(request.schema().primaryKey()) + ")" : "";
            Sql.execute(c, "create table " + Sql.table(target) + " (" + definitions + key + ")");
            if (request.mode() == WriteMode.APPEND && !request.appendDedupColumns().isEmpty()) {
                // lets the "already held?" probe of small incremental runs use an index instead of scanning the history
                Sql.execute(c, "create index " + Sql.ident(Sql.derivedName(target.name(), "_tidemark_dedup")) + " on "
                        + Sql.table(target) + " (" + Sql.identList(request.appendDedupColumns()) + ")");
            }
        } else if (!addColumns.isEmpty()) {
            // added columns are nullable: the rows already there have no value for them
            Sql.execute(c, "alter table " + Sql.table(target) + " " + addColumns.stream()
                    .map(col -> "add column " + Sql.ident(col.name()) + " " + PgTypes.targetType(col, postgres))
                    .collect(Collectors.joining(", ")));
        }
    }
}
