package io.tidemark.engine.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.LogPosition;
import io.tidemark.api.TidemarkException;

import java.time.Instant;
import java.util.Locale;

/**
 * Versioned JSON for checkpoints: {@code {"version":1,"type":"cursor",…}}. Readers accept every version ever
 * written (golden files in the tests pin each); writers write the newest.
 */
public final class CheckpointCodec {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointCodec() {}

    public static String encode(Checkpoint checkpoint) {
        ObjectNode node = JSON.createObjectNode().put("version", VERSION);
        switch (checkpoint) {
            case Checkpoint.Cursor c -> node.put("type", "cursor").put("column", c.column())
                    .put("kind", c.kind().name().toLowerCase(Locale.ROOT)).put("value", c.value());
            case Checkpoint.Refresh r -> node.put("type", "refresh").put("rows", r.rows())
                    .put("completed_at", r.completedAt().toString());
            case Checkpoint.Snapshot s -> node.put("type", "snapshot").put("snapshot_version", s.version()).put("rows", s.rows())
                    .put("hash", s.hashScheme());
            case Checkpoint.Log l -> {
                node.put("type", "log").put("position", Long.toUnsignedString(l.position().value()))
                        .put("position_text", l.position().text()).put("source_time", l.sourceTime().toString()).put("capture", l.capture());
                if (l.appliedOfNext() > 0) node.put("applied_of_next", l.appliedOfNext()); // absent (0) in older checkpoints
            }
        }
        return node.toString();
    }

    public static Checkpoint decode(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            int version = node.path("version").asInt(-1);
            if (version != VERSION) throw unreadable(json, "unknown version " + version);
            return switch (node.path("type").asText()) {
                case "cursor" -> new Checkpoint.Cursor(node.path("column").asText(),
                        DataType.Kind.valueOf(node.path("kind").asText().toUpperCase(Locale.ROOT)), node.path("value").asText());
                case "refresh" -> new Checkpoint.Refresh(node.path("rows").asLong(), Instant.parse(node.path("completed_at").asText()));
                case "snapshot" -> new Checkpoint.Snapshot(node.path("snapshot_version").asLong(), node.path("rows").asLong(),
                        node.path("hash").asText());
                case "log" -> new Checkpoint.Log(new LogPosition(Long.parseUnsignedLong(node.path("position").asText()),
                        node.path("position_text").asText()), Instant.parse(node.path("source_time").asText()), node.path("capture").asText(),
                        node.path("applied_of_next").asInt(0));
                default -> throw unreadable(json, "unknown type " + node.path("type"));
            };
        } catch (JsonProcessingException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw unreadable(json, e.getMessage());
        }
    }

    private static TidemarkException unreadable(String json, String why) {
        return new TidemarkException(ErrorCode.CONFIG_INVALID, "the stored checkpoint cannot be read (" + why
                + "); resync the sync (`tidemark resync <sync>`) to start it afresh");
    }
}
