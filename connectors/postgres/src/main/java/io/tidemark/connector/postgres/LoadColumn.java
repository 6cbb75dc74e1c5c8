package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.StreamSchema;

import java.util.List;

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
}
