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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The table a staged write (upsert, append, keyed changes) merges into. It is checked against the incoming schema when
 * the writer opens, but created, or given its missing columns, only when first needed ({@link #ensureReady}):
 * {@code ALTER TABLE} locks out readers until the transaction ends.
 */
final class TargetTable {
    private final WriteRequest request;
    private final StreamId id;
    /** Columns to create the table with, or empty when it exists. */
    private final Optional<List<Column>> create;
    private final List<Column> addColumns;
    private final Set<String> notNull;
    private boolean ready;

    private TargetTable(WriteRequest request, StreamId id, Optional<List<Column>> create, List<Column> addColumns, Set<String> notNull) {
        this.request = request;
        this.id = id;
        this.create = create;
        this.addColumns = List.copyOf(addColumns);
        this.notNull = Set.copyOf(notNull);
    }

    /**
     * Checks {@code target} against the request: refuses columns that cannot hold the incoming values and, for the
     * keyed modes, a table without a unique key on the primary key columns.
     */
    static TargetTable check(Connection c, WriteRequest request, StreamId target, String what) throws SQLException {
        StreamSchema schema = request.schema();
        if (keyed(request) && schema.primaryKey().isEmpty()) {
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, what + ": " + modeName(request) + " needs a primary key; set primary_key on the model");
        }
        boolean postgres = PgTypes.DIALECT.equals(schema.nativeDialect());
        List<Column> wanted = new ArrayList<>(schema.columns());
        if (request.historyColumns()) wanted.addAll(SystemColumns.history());

        Optional<PgRelation> existing = PgCatalog.relation(c, target);
        if (existing.isEmpty()) {
            Set<String> notNull = wanted.stream().filter(col -> !col.nullable()).map(Column::name).collect(Collectors.toSet());
            return new TargetTable(request, target, Optional.of(wanted), List.of(), notNull);
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
        if (keyed(request) && !PgCatalog.uniqueKeys(c, relation.oid()).contains(Set.copyOf(schema.primaryKey()))) {
            throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, what + ": " + target + " has no primary key or unique index on ("
                    + String.join(", ", schema.primaryKey()) + "), which " + modeName(request)
                    + " needs; add one, or drop the table so that Tidemark recreates it");
        }
        Set<String> notNull = relation.columns().stream().filter(col -> !col.nullable()).map(PgColumn::name).collect(Collectors.toSet());
        return new TargetTable(request, target, Optional.empty(), missing, notNull);
    }

    /** The table's qualified name in SQL. */
    String sql() { return Sql.table(id); }

    /** Whether the column is (or will be created) {@code NOT NULL}, so that plain {@code =} matches it like a null-safe comparison would. */
    boolean notNull(String column) { return notNull.contains(column); }

    /** Creates the table, or adds its missing columns, the first time it is called. */
    void ensureReady(Connection c) throws SQLException {
        if (ready) return;
        boolean postgres = PgTypes.DIALECT.equals(request.schema().nativeDialect());
        if (create.isPresent()) {
            String definitions = create.get().stream()
                    .map(col -> Sql.ident(col.name()) + " " + PgTypes.targetType(col, postgres) + (col.nullable() ? "" : " not null"))
                    .collect(Collectors.joining(", "));
            String key = keyed(request) ? ", primary key (" + Sql.identList(request.schema().primaryKey()) + ")" : "";
            Sql.execute(c, "create table " + sql() + " (" + definitions + key + ")");
            if (request.mode() == WriteMode.APPEND && !request.appendDedupColumns().isEmpty()) {
                // lets the "already held?" probe of small incremental runs use an index instead of scanning the history
                Sql.execute(c, "create index " + Sql.ident(Sql.derivedName(id.name(), "_tidemark_dedup")) + " on "
                        + sql() + " (" + Sql.identList(request.appendDedupColumns()) + ")");
            }
        } else if (!addColumns.isEmpty()) {
            // added columns are nullable: the rows already there have no value for them
            Sql.execute(c, "alter table " + sql() + " " + addColumns.stream()
                    .map(col -> "add column " + Sql.ident(col.name()) + " " + PgTypes.targetType(col, postgres))
                    .collect(Collectors.joining(", ")));
        }
        ready = true;
    }

    /** Modes that match rows to records by primary key, which the table needs a unique key on. */
    private static boolean keyed(WriteRequest request) {
        return request.mode() == WriteMode.UPSERT || request.mode() == WriteMode.CHANGES;
    }

    private static String modeName(WriteRequest request) {
        return request.mode() == WriteMode.CHANGES ? "applying keyed changes" : request.mode().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean holds(PgColumn existing, Column incoming, String incomingType) {
        return existing.actualType().equalsIgnoreCase(incomingType) || existing.hasCodec() && PgTypes.holds(existing.type(), incoming.type());
    }
}
