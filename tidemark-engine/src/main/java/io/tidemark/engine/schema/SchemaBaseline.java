package io.tidemark.engine.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The source's shape a sync's destination was built from, in the source's terms: each column with the type it had
 * when last applied, in the order the destination got them, and the key rows are matched by. A column gone at the
 * source stays, marked {@code dropped}: the destination keeps it, so a full refresh must go on writing it (as null).
 * A column added at the source that the sync's policy ignores is kept marked {@code ignored}: not sent, and not met
 * as news by every later run. Kept in the state store per sync as versioned JSON.
 */
public record SchemaBaseline(List<BaselineColumn> columns, List<String> primaryKey) {
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param nativeType the source's spelling of the type, or null
     * @param dropped    gone at the source; the destination keeps the column
     * @param ignored    at the source but not sent: the policy ignored it when it was added (or came back after a drop)
     */
    public record BaselineColumn(String name, DataType type, String nativeType, boolean dropped, boolean ignored) {
        public BaselineColumn {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }

        static BaselineColumn of(Column column) { return new BaselineColumn(column.name(), column.type(), column.nativeType(), false, false); }

        BaselineColumn asDropped() { return new BaselineColumn(name, type, nativeType, true, false); }

        /** Ignored as added; a column dropped before stays dropped (the destination keeps it). */
        BaselineColumn asIgnored() { return new BaselineColumn(name, type, nativeType, dropped, true); }

        /** At the destination: sent now, or kept there after it left the source. */
        boolean sent() { return !dropped && !ignored; }

        Column column() { return new Column(name, type, true, nativeType); }
    }

    public SchemaBaseline {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** The baseline of a destination built from {@code source} as it is now, rows matched by {@code key}. */
    public static SchemaBaseline of(StreamSchema source, List<String> key) {
        return new SchemaBaseline(source.columns().stream().map(BaselineColumn::of).toList(), key);
    }

    public Optional<BaselineColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * The columns at the source when last applied (sent or ignored), as a schema: the shape of the log entries written
     * before any later change.
     */
    public StreamSchema liveSchema(StreamId id, String dialect) {
        return new StreamSchema(id, columns.stream().filter(c -> !c.dropped() || c.ignored()).map(BaselineColumn::column).toList(),
                primaryKey, dialect);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode().put("version", VERSION);
        ArrayNode cols = root.putArray("columns");
        for (BaselineColumn c : columns) {
            ObjectNode col = cols.addObject().put("name", c.name()).put("kind", c.type().kind().name().toLowerCase(Locale.ROOT))
                    .put("precision", c.type().precision()).put("scale", c.type().scale());
            if (c.nativeType() != null) col.put("native_type", c.nativeType());
            if (c.dropped()) col.put("dropped", true);
            if (c.ignored()) col.put("ignored", true);
        }
        ArrayNode key = root.putArray("primary_key");
        primaryKey.forEach(key::add);
        return root.toString();
    }

    public static SchemaBaseline fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root.path("version").asInt() != VERSION) throw new IllegalArgumentException("unknown version " + root.path("version"));
            List<BaselineColumn> columns = new ArrayList<>();
            for (JsonNode c : root.path("columns")) {
                DataType type = new DataType(DataType.Kind.valueOf(c.path("kind").asText().toUpperCase(Locale.ROOT)),
                        c.path("precision").asInt(), c.path("scale").asInt());
                columns.add(new BaselineColumn(c.path("name").asText(), type, c.hasNonNull("native_type") ? c.get("native_type").asText() : null,
                        c.path("dropped").asBoolean(false), c.path("ignored").asBoolean(false)));
            }
            List<String> key = new ArrayList<>();
            root.path("primary_key").forEach(k -> key.add(k.asText()));
            return new SchemaBaseline(columns, key);
        } catch (Exception e) {
            throw new TidemarkException(ErrorCode.INTERNAL, "the stored schema baseline cannot be read (" + e.getMessage()
                    + "); a resync records a new one", e);
        }
    }
}
