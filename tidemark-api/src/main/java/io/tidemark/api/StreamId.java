package io.tidemark.api;

import java.util.Objects;

/** A table-like stream: {@code namespace} is the schema (Postgres), folder, or {@code null}. */
public record StreamId(String namespace, String name) {
    public StreamId {
        Objects.requireNonNull(name, "name");
    }

    /** Parses {@code schema.table} or {@code table}. */
    public static StreamId parse(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? new StreamId(null, qualified) : new StreamId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    @Override
    public String toString() { return namespace == null ? name : namespace + "." + name; }
}
