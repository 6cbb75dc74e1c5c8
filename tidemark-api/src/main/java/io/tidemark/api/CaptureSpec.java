package io.tidemark.api;

import java.util.Objects;

/**
 * What one sync captures from a source's change log.
 *
 * @param name   stable per sync and destination object; the source derives the names of what it keeps for the
 *               capture (Postgres: the replication slot and the publication) from it, so two syncs never share them
 * @param model  a table model (log capture reads tables, not queries); its primary key is the one the sync matches
 *               records by when the sync sets one, else empty (the table's own key, followed as it changes)
 * @param schema the table's schema as {@link Source#describe} returned it; events carry values in its column order
 */
public record CaptureSpec(String name, ModelSpec model, StreamSchema schema) {
    public CaptureSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(schema, "schema");
        if (model.isQuery()) throw new IllegalArgumentException("change capture reads a table, not a query");
    }
}
