package io.tidemark.engine.config;

import io.tidemark.api.DataType;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The declared type of a cursor column ({@code cursor_type}); it must match the column's real type. */
public enum CursorType {
    DATETIME(EnumSet.of(DataType.Kind.TIMESTAMP, DataType.Kind.TIMESTAMPTZ)),
    TIMESTAMP(EnumSet.of(DataType.Kind.TIMESTAMP, DataType.Kind.TIMESTAMPTZ)),
    DATE(EnumSet.of(DataType.Kind.DATE)),
    INTEGER(EnumSet.of(DataType.Kind.INT16, DataType.Kind.INT32, DataType.Kind.INT64)),
    NUMERIC(EnumSet.of(DataType.Kind.INT16, DataType.Kind.INT32, DataType.Kind.INT64, DataType.Kind.DECIMAL,
            DataType.Kind.FLOAT32, DataType.Kind.FLOAT64));

    private final Set<DataType.Kind> columnKinds;

    CursorType(Set<DataType.Kind> columnKinds) { this.columnKinds = columnKinds; }

    public boolean matches(DataType column) { return columnKinds.contains(column.kind()); }

    public String configName() { return name().toLowerCase(Locale.ROOT); }

    /** The cursor type a column of this kind would declare, for "did you mean" messages. */
    public static String suggestionFor(DataType column) {
        for (CursorType t : values()) if (t.matches(column)) return t.configName();
        return null;
    }
}
