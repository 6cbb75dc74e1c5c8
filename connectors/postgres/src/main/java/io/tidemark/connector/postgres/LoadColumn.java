package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.StreamSchema;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A column as the table that COPY loads into (shadow or staging) holds it.
 *
 * @param targetType the type the column has in the destination table
 * @param loadType   the type it is loaded as: the target type when rows can be encoded in it, else the type of the
 *                   column's Tidemark kind (e.g. {@code text} for an {@code integer[]} read as text), cast afterwards
 * @param wire       the codec for decoded rows; {@code null} for raw loads, whose bytes are the source's own
 */
record LoadColumn(Column column, String targetType, String loadType, PgWireType wire) {

    static List<LoadColumn> decoded(StreamSchema schema) {
        boolean postgres = PgTypes.DIALECT.equals(schema.nativeDialect());
        return schema.columns().stream().map(c -> {
            String target = PgTypes.targetType(c, postgres);
            PgWireType exact = PgTypes.wireType(target).filter(w -> w.kind() == c.type().kind()).orElse(null);
            if (exact != null) return new LoadColumn(c, target, target, exact);
            PgWireType byKind = PgWireType.forKind(c.type().kind());
            return new LoadColumn(c, target, byKind.sqlName(), byKind);
        }).toList();
    }

    /** A raw binary COPY carries the source's native types, so the load table has exactly those. */
    static List<LoadColumn> raw(StreamSchema schema) {
        return schema.columns().stream().map(c -> new LoadColumn(c, c.nativeType(), c.nativeType(), null)).toList();
    }

    String name() { return column.name(); }

    boolean needsCast() { return !loadType.equals(targetType); }

    /** The column's value in its target type, read from the row alias {@code alias}. */
    String value(String alias) {
        String ref = alias + "." + Sql.ident(name());
        return needsCast() ? ref + "::" + targetType : ref;
    }

    /** Definition in the load table. */
    String loadDefinition() {
        return Sql.ident(name()) + " " + loadType + (column.nullable() ? "" : " not null");
    }

    static String names(List<LoadColumn> layout) {
        return Sql.identList(layout.stream().map(LoadColumn::name).toList());
    }

    /**
     * {@code t.a = s.a and …} over the layout's columns {@code names}: a target row (alias {@code target}) whose values
     * equal those of a loaded row (alias {@code loaded}), or, for the columns {@code nullsEqual} accepts, are both
     * {@code NULL} ({@code IS NOT DISTINCT FROM}, which however cannot drive an index or hash join).
     */
    static String match(List<LoadColumn> layout, List<String> names, String target, String loaded, Predicate<String> nullsEqual) {
        return names.stream().map(n -> target + "." + Sql.ident(n) + (nullsEqual.test(n) ? " is not distinct from " : " = ")
                + layout.stream().filter(l -> l.name().equals(n)).findFirst().orElseThrow().value(loaded)).collect(Collectors.joining(" and "));
    }

    /** {@link #match} with plain {@code =}: a {@code NULL} matches nothing. */
    static String match(List<LoadColumn> layout, List<String> names, String target, String loaded) {
        return match(layout, names, target, loaded, n -> false);
    }
}
