package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.DataType.Kind;
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
import java.util.stream.Stream;

/**
 * The table a staged write (upsert, append, keyed changes) merges into. It is checked against the incoming schema when
 * the writer opens, but created, or given its missing columns and wider column types, only when first needed
 * ({@link #ensureReady}): {@code ALTER TABLE} locks out readers until the transaction ends.
 */
final class TargetTable {
    private final WriteRequest request;
    private final StreamId id;
    private final String what;
    /** Columns to create the table with, or empty when it exists. */
    private final Optional<List<Column>> create;
    private final List<Column> addColumns;
    private final List<Widening> widenings;
    private final Set<String> notNull;
    private boolean ready;

    /**
     * An existing column changed in place to a type its values widen to ({@link io.tidemark.api.DataType#widensTo}).
     *
     * @param fromTimestamp the column is a timestamp without time zone becoming one with: its values are read as UTC
     */
    private record Widening(String column, String fromType, String toType, boolean fromTimestamp) {
        String alteration() {
            String value = fromTimestamp ? Sql.ident(column) + " at time zone 'UTC'" : Sql.ident(column) + "::" + toType;
            return "alter column " + Sql.ident(column) + " type " + toType + " using " + value;
        }
    }

    private TargetTable(WriteRequest request, StreamId id, String what, Optional<List<Column>> create, List<Column> addColumns,
                        List<Widening> widenings, Set<String> notNull) {
        this.request = request;
        this.id = id;
        this.what = what;
        this.create = create;
        this.addColumns = List.copyOf(addColumns);
        this.widenings = List.copyOf(widenings);
        this.notNull = Set.copyOf(notNull);
    }

    /**
     * Checks {@code target} against the request: notes the columns to add and those to widen in place, and refuses
     * columns that neither hold nor widen to the incoming type and, for the keyed modes, a table without a unique key
     * on the primary key columns.
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
            return new TargetTable(request, target, what, Optional.of(wanted), List.of(), List.of(), notNull);
        }
        PgRelation relation = existing.get();
        List<Column> missing = new ArrayList<>();
        List<Widening> widenings = new ArrayList<>();
        for (Column column : wanted) {
            Optional<PgColumn> have = relation.column(column.name());
            String incomingType = PgTypes.targetType(column, postgres);
            if (have.isEmpty()) {
                missing.add(column);
            } else if (!holds(have.get(), column, incomingType)) {
                if (!widens(have.get(), column, incomingType)) {
                    throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, what + ": column \"" + column.name() + "\" of "
                            + target + " is " + have.get().actualType() + ", which cannot hold the incoming " + column.type()
                            + " (" + incomingType + ") and does not widen to it; resync the sync to recreate the table, or drop the"
                            + " table or change the column's type");
                }
                // Only a timestamp gaining a time zone is read as UTC: timestamp(3) to timestamp(6) casts as it is.
                widenings.add(new Widening(column.name(), have.get().actualType(), incomingType,
                        have.get().type().kind() == Kind.TIMESTAMP && column.type().kind() == Kind.TIMESTAMPTZ));
            }
        }
        if (keyed(request) && !PgCatalog.uniqueKeys(c, relation.oid()).contains(Set.copyOf(schema.primaryKey()))) {
            throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, what + ": " + target + " has no primary key or unique index on ("
                    + String.join(", ", schema.primaryKey()) + "), which " + modeName(request)
                    + " needs; add one, or drop the table so that Tidemark recreates it");
        }
        Set<String> notNull = relation.columns().stream().filter(col -> !col.nullable()).map(PgColumn::name).collect(Collectors.toSet());
        return new TargetTable(request, target, what, Optional.empty(), missing, widenings, notNull);
    }

    /** The table's qualified name in SQL. */
    String sql() { return Sql.table(id); }

    /** Whether the column is (or will be created) {@code NOT NULL}, so that plain {@code =} matches it like a null-safe comparison would. */
    boolean notNull(String column) { return notNull.contains(column); }

    /**
     * Creates the table, or adds its missing columns and widens its columns, the first time it is called. One
     * {@code ALTER TABLE} does both, so that a table rewritten for a new type is rewritten once.
     */
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
        } else if (!addColumns.isEmpty() || !widenings.isEmpty()) {
            // added columns are nullable: the rows already there have no value for them
            Stream<String> additions = addColumns.stream().map(col -> "add column " + Sql.ident(col.name()) + " " + PgTypes.targetType(col, postgres));
            alter(c, Stream.concat(additions, widenings.stream().map(Widening::alteration)).collect(Collectors.joining(", ")));
        }
        ready = true;
    }

    private void alter(Connection c, String alterations) throws SQLException {
        try {
            Sql.execute(c, "alter table " + sql() + " " + alterations);
        } catch (SQLException e) {
            // Postgres cannot change the type of a column that a view or rule reads, and says so as "not supported"
            if (widenings.isEmpty() || !"0A000".equals(e.getSQLState())) throw e;
            throw new TidemarkException(ErrorCode.INCOMPATIBLE_DESTINATION, what + ": widening " + widenings.stream()
                    .map(w -> "\"" + w.column() + "\" from " + w.fromType() + " to " + w.toType()).collect(Collectors.joining(", "))
                    + " failed: " + PostgresErrors.describe(e).problem() + "; drop the views or rules that read the column and"
                    + " recreate them after the run, or resync the sync to recreate the table", e);
        }
    }

    /** Modes that match rows to records by primary key, which the table needs a unique key on. */
    private static boolean keyed(WriteRequest request) {
        return request.mode() == WriteMode.UPSERT || request.mode() == WriteMode.CHANGES;
    }

    private static String modeName(WriteRequest request) {
        return request.mode() == WriteMode.CHANGES ? "applying keyed changes" : request.mode().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean holds(PgColumn existing, Column incoming, String incomingType) {
        if (existing.actualType().equalsIgnoreCase(incomingType)) return true;
        if (!existing.hasCodec() || !PgTypes.holds(existing.type(), incoming.type())) return false;
        // Tidemark types carry no fractional-second precision: a column keeping fewer digits would round the incoming ones.
        return !existing.type().kind().isTemporal() || PgTypes.secondDigits(incomingType) <= PgTypes.secondDigits(existing.actualType());
    }

    /**
     * Whether the column can be changed to {@code incomingType} keeping every value as it is: its type widens to the
     * incoming one, and the cast between the two Postgres types is exact. It is not from {@code character(n)}, whose
     * cast drops the padding, nor to fewer fractional digits of a second than the column keeps.
     */
    private static boolean widens(PgColumn existing, Column incoming, String incomingType) {
        if (!existing.hasCodec() || !existing.type().widensTo(incoming.type())) return false;
        return switch (existing.type().kind()) {
            case STRING -> !PgTypes.isBlankPadded(existing.actualType());
            case TIMESTAMP -> PgTypes.secondDigits(incomingType) >= PgTypes.secondDigits(existing.actualType());
            default -> true;
        };
    }
}
