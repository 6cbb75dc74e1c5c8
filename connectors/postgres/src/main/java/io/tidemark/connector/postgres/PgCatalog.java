package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.TidemarkException;
import org.postgresql.core.BaseConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads tables, columns, keys and result types from the Postgres catalog. */
final class PgCatalog {
    /** Suffix of the shadow table a REPLACE loads before swapping it in; such tables are never offered as streams. */
    static final String SHADOW_SUFFIX = "__tidemark_shadow";

    /** Tables, partitioned tables, views, materialized views and foreign tables can all be read. */
    private static final String READABLE = "c.relkind in ('r', 'p', 'v', 'm', 'f')";
    private static final String USER_RELATIONS = READABLE + " and not c.relispartition"
            + " and n.nspname <> 'information_schema' and left(n.nspname, 3) <> 'pg_'"
            + " and c.relname <> '" + SystemColumns.STATE_TABLE + "' and strpos(c.relname, '" + SHADOW_SUFFIX + "') = 0";
    /**
     * Plain tables whose log records identify changed rows. Partitioned tables are left out: their changes are logged
     * under each partition's own relation.
     */
    private static final String CAPTURABLE = "c.relkind = 'r' and (c.relreplident = 'f' or exists (select 1 from pg_index ri"
            + " where ri.indrelid = c.oid and (c.relreplident = 'd' and ri.indisprimary or c.relreplident = 'i' and ri.indisreplident)))";
    private static final String ONE_RELATION = READABLE + " and n.nspname = ? and c.relname = ?";

    /** A column as the catalog describes it. */
    record PgColumn(String name, DataType type, boolean nullable, String actualType, boolean builtin, boolean hasCodec) {
        /**
         * Built-in types keep their exact type as native type (a Postgres destination recreates it); types that
         * only exist in the source database (enums, extension types) travel as {@code text}.
         */
        String nativeType() { return builtin ? actualType : "text"; }

        Column toColumn() { return new Column(name, type, nullable, nativeType()); }
    }

    /**
     * @param capturable a plain table whose updates and deletes carry an identity in the change log: a primary key,
     *                   a replica identity index, or {@code REPLICA IDENTITY FULL}
     */
    record PgRelation(long oid, StreamId id, double reltuples, List<PgColumn> columns, List<String> primaryKey, boolean capturable) {
        StreamSchema toSchema() {
            return new StreamSchema(id, columns.stream().map(PgColumn::toColumn).toList(), primaryKey, PgTypes.DIALECT);
        }

        Optional<PgColumn> column(String name) {
            return columns.stream().filter(c -> c.name().equals(name)).findFirst();
        }
    }

    private static final String FROM_RELATIONS = " from pg_class c join pg_namespace n on n.oid = c.relnamespace";

    private PgCatalog() {}

    static Optional<PgRelation> relation(Connection c, StreamId resolved) throws SQLException {
        List<PgRelation> found = relations(c, ONE_RELATION, resolved.namespace(), resolved.name());
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Every readable relation outside system schemas, except Tidemark's own state and shadow tables. */
    static List<PgRelation> userRelations(Connection c) throws SQLException {
        return relations(c, USER_RELATIONS);
    }

    /** The result columns of a query, from the server's description of the prepared statement. */
    static List<PgColumn> queryColumns(Connection c, String query) throws SQLException {
        List<String> names = new ArrayList<>();
        List<Long> oids = new ArrayList<>();
        List<Integer> typmods = new ArrayList<>();
        List<Boolean> notNull = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select * from (" + query + ") q limit 0")) {
            ResultSetMetaData md = ps.getMetaData();
            var typeInfo = c.unwrap(BaseConnection.class).getTypeInfo();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String typeName = md.getColumnTypeName(i);
                int oid = typeInfo.getPGType(typeName);
                names.add(md.getColumnLabel(i));
                oids.add(Integer.toUnsignedLong(oid));
                typmods.add(typmod(typeName, md.getPrecision(i), md.getScale(i)));
                notNull.add(md.isNullable(i) == ResultSetMetaData.columnNoNulls);
            }
        }
        return typedColumns(c, names, oids, typmods, notNull);
    }

    /** Columns of the given type oids and typmods (as a query's description or a change log's relation gives them). */
    static List<PgColumn> typedColumns(Connection c, List<String> names, List<Long> oids, List<Integer> typmods,
                                       List<Boolean> notNull) throws SQLException {
        String sql = "select " + typeColumns("x.typmod") + " from unnest(?::int8[], ?::int4[]) with ordinality x(typid, typmod, ord)"
                + typeJoins("x.typid") + " order by x.ord";
        List<PgColumn> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("int8", oids.toArray()));
            ps.setArray(2, c.createArrayOf("int4", typmods.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; rs.next(); i++) columns.add(column(names.get(i), notNull.get(i), rs, 1));
            }
        }
        return columns;
    }

    /** Names of the readable relations of a schema, for "not found" messages. */
    static List<String> relationNames(Connection c, String schema) throws SQLException {
        return strings(c, "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where "
                + READABLE + " and not c.relispartition and n.nspname = ? order by 1", schema);
    }

    static List<String> schemaNames(Connection c) throws SQLException {
        return strings(c, "select nspname from pg_namespace where nspname <> 'information_schema' and left(nspname, 3) <> 'pg_' order by 1");
    }

    /** Column sets of the relation's unique, non-partial, plain-column indexes (candidates for ON CONFLICT). */
    static List<Set<String>> uniqueKeys(Connection c, long relationOid) throws SQLException {
        Map<Long, Set<String>> keys = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select i.indexrelid, a.attname from pg_index i"
                + " cross join lateral unnest(i.indkey::int2[]) with ordinality k(attnum, ord)"
                + " join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum"
                + " where i.indrelid = ? and i.indisunique and i.indpred is null and i.indexprs is null and k.ord <= i.indnkeyatts")) {
            ps.setLong(1, relationOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) keys.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getString(2));
            }
        }
        return List.copyOf(keys.values());
    }

    /** A "not found" error naming the table and what the schema holds. */
    static TidemarkException tableNotFound(Connection c, String what, StreamId resolved) throws SQLException {
        List<String> tables = relationNames(c, resolved.namespace());
        if (tables.isEmpty() && !schemaNames(c).contains(resolved.namespace())) {
            return new TidemarkException(ErrorCode.TABLE_NOT_FOUND, what + ": table " + resolved + " not found: schema "
                    + resolved.namespace() + " does not exist (schemas: " + String.join(", ", schemaNames(c)) + "); check the model's table");
        }
        return new TidemarkException(ErrorCode.TABLE_NOT_FOUND, what + ": table " + resolved + " not found (tables in "
                + resolved.namespace() + ": " + (tables.isEmpty() ? "none" : abbreviatedList(tables)) + "); check the model's table");
    }

    /** The primary key of the table with this oid now, in key order; empty when it has none. */
    static List<String> primaryKey(Connection c, long tableOid) throws SQLException {
        return primaryKeys(c, "c.oid = ?::oid", Long.toString(tableOid)).getOrDefault(tableOid, List.of());
    }

    /** Primary key columns by table oid, in key order (the columns an index only INCLUDEs are not part of it). */
    private static Map<Long, List<String>> primaryKeys(Connection c, String filter, String... params) throws SQLException {
        Map<Long, List<String>> keys = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select i.indrelid, a.attname" + FROM_RELATIONS
                + " join pg_index i on i.indrelid = c.oid and i.indisprimary"
                + " cross join lateral unnest(i.indkey::int2[]) with ordinality k(attnum, ord)"
                + " join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum"
                + " where " + filter + " and k.ord <= i.indnkeyatts order by i.indrelid, k.ord")) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) keys.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        return keys;
    }

    private static List<PgRelation> relations(Connection c, String filter, String... params) throws SQLException {
        Map<Long, List<String>> keys = primaryKeys(c, filter, params);
        Map<Long, StreamId> ids = new LinkedHashMap<>();
        Map<Long, Double> reltuples = new LinkedHashMap<>();
        Set<Long> capturable = new HashSet<>();
        Map<Long, List<PgColumn>> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select c.oid, n.nspname, c.relname, c.reltuples::float8, " + CAPTURABLE + ", a.attname, a.attnotnull, "
                + typeColumns("a.atttypmod") + FROM_RELATIONS
                + " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
                + typeJoins("a.atttypid") + " where " + filter + " order by n.nspname, c.relname, a.attnum")) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    ids.putIfAbsent(oid, new StreamId(rs.getString(2), rs.getString(3)));
                    reltuples.putIfAbsent(oid, rs.getDouble(4));
                    if (rs.getBoolean(5)) capturable.add(oid);
                    columns.computeIfAbsent(oid, k -> new ArrayList<>()).add(column(rs.getString(6), rs.getBoolean(7), rs, 8));
                }
            }
        }
        return ids.keySet().stream().map(oid -> new PgRelation(oid, ids.get(oid), reltuples.get(oid), List.copyOf(columns.get(oid)),
                List.copyOf(keys.getOrDefault(oid, List.of())), capturable.contains(oid))).toList();
    }

    /**
     * Type columns for {@link #column}: base type name, full type name, typmod, built-in. A domain is described by
     * its base type: that is what its values are, and a destination does not have the domain.
     */
    private static String typeColumns(String typmod) {
        String mod = "case when bt.oid is null then " + typmod + " else t.typtypmod end";
        return "format_type(coalesce(bt.oid, t.oid), null), format_type(coalesce(bt.oid, t.oid), " + mod + "), " + mod
                + ", coalesce(bt.typnamespace, t.typnamespace) = 'pg_catalog'::regnamespace";
    }

    private static String typeJoins(String typeOid) {
        return " join pg_type t on t.oid = " + typeOid + " left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype";
    }

    private static PgColumn column(String name, boolean notNull, ResultSet rs, int first) throws SQLException {
        String baseType = rs.getString(first);
        String actualType = rs.getString(first + 1);
        int typmod = rs.getInt(first + 2);
        boolean builtin = rs.getBoolean(first + 3);
        Optional<PgWireType> wire = builtin ? PgTypes.wireType(baseType) : Optional.empty();
        DataType type = wire.map(w -> PgTypes.dataType(w, typmod)).orElse(DataType.STRING);
        return new PgColumn(name, type, !notNull, actualType, builtin, wire.isPresent());
    }

    /**
     * The typmod of a query result column, rebuilt from the driver's precision and scale (the driver does not expose
     * it): exact for numeric and character lengths, which are the ones that change the Tidemark type.
     */
    private static int typmod(String typeName, int precision, int scale) {
        return switch (typeName) {
            case "numeric" -> precision > 0 ? (precision << 16 | scale & 0x7FF) + 4 : -1;
            case "varchar", "bpchar" -> precision > 0 && precision < Integer.MAX_VALUE ? precision + 4 : -1;
            default -> -1;
        };
    }

    private static List<String> strings(Connection c, String sql, String... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, String... params) throws SQLException {
        for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
    }

    static String abbreviatedList(List<String> names) {
        int shown = 20;
        return names.size() <= shown ? String.join(", ", names)
                : String.join(", ", names.subList(0, shown)) + ", … (" + (names.size() - shown) + " more)";
    }
}
