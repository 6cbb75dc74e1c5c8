package io.tidemark.api;

import java.util.Objects;

/**
 * One column of a stream.
 *
 * @param nativeType the type as the source database spells it ({@code varchar(32)}, {@code timestamptz}),
 *                   or {@code null}; a destination of the same dialect ({@link StreamSchema#nativeDialect()})
 *                   may use it to create an exactly matching column
 */
public record Column(String name, DataType type, boolean nullable, String nativeType) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static Column of(String name, DataType type) { return new Column(name, type, true, null); }

    public Column withType(DataType newType) { return new Column(name, newType, nullable, null); }
}
