package io.tidemark.engine.diff;

import io.tidemark.api.Values;

import java.util.List;
import java.util.StringJoiner;

/** A record key as people read it in run details and sync logs: {@code id=42} or {@code region=eu, id=42}. */
public final class KeyText {
    private KeyText() {}

    public static String render(List<String> columns, List<Object> values) {
        StringJoiner j = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            Object v = values.get(i);
            j.add(columns.get(i) + "=" + (v == null ? "NULL" : v instanceof byte[] b ? java.util.Base64.getEncoder().encodeToString(b)
                    : v instanceof java.time.OffsetDateTime t ? Values.format(io.tidemark.api.DataType.TIMESTAMPTZ, t) : v.toString()));
        }
        return j.toString();
    }
}
