package io.tidemark.engine.checkpoint;

import io.tidemark.api.DataType;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointCodecTest {

    private static String golden(String name) throws IOException {
        try (InputStream in = CheckpointCodecTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    @Test
    void snapshotCheckpointMatchesItsGoldenFile() throws IOException {
        Checkpoint.Snapshot snapshot = new Checkpoint.Snapshot(42, 5_000_000, "tm64-v1");
        assertThat(CheckpointCodec.encode(snapshot)).isEqualTo(golden("checkpoint-snapshot-v1.json"));
        assertThat(CheckpointCodec.decode(golden("checkpoint-snapshot-v1.json"))).isEqualTo(snapshot);
    }

    @Test
    void cursorCheckpointMatchesTheGoldenFileBothWays() throws IOException {
        Checkpoint cursor = Checkpoint.Cursor.of("updated_at", DataType.TIMESTAMPTZ,
                OffsetDateTime.of(2026, 2, 1, 12, 15, 30, 123_456_000, ZoneOffset.ofHours(2)));
        assertThat(CheckpointCodec.encode(cursor)).isEqualTo(golden("checkpoint-cursor-v1.json"));
        assertThat(CheckpointCodec.decode(golden("checkpoint-cursor-v1.json"))).isEqualTo(cursor);
    }

    @Test
    void refreshCheckpointMatchesTheGoldenFileBothWays() throws IOException {
        Checkpoint refresh = new Checkpoint.Refresh(5_000_000, Instant.parse("2026-02-01T10:15:30Z"));
        assertThat(CheckpointCodec.encode(refresh)).isEqualTo(golden("checkpoint-refresh-v1.json"));
        assertThat(CheckpointCodec.decode(golden("checkpoint-refresh-v1.json"))).isEqualTo(refresh);
    }

    @Test
    void cursorValueRoundTripsToItsTypedValue() {
        Checkpoint.Cursor c = (Checkpoint.Cursor) CheckpointCodec.decode(CheckpointCodec.encode(Checkpoint.Cursor.of("id", DataType.INT64, 42L)));
        assertThat(c.typedValue()).isEqualTo(42L);
    }

    @Test
    void unknownVersionIsRefusedWithTheWayOut() {
        assertThatThrownBy(() -> CheckpointCodec.decode("{\"version\":99,\"type\":\"cursor\"}"))
                .isInstanceOf(TidemarkException.class).hasMessageContaining("unknown version 99").hasMessageContaining("resync");
    }

    @Test
    void logPositionRoundTripsThroughTheGoldenFileAsAnUnsignedNumber() throws IOException {
        Checkpoint log = new Checkpoint.Log(new io.tidemark.api.LogPosition(-1L, "FFFFFFFF/FFFFFFFF"),
                Instant.parse("2026-11-21T08:30:00.123456Z"), "orders_cdc@orders#7");
        assertThat(CheckpointCodec.encode(log)).isEqualTo(golden("checkpoint-log-v1.json"));
        assertThat(CheckpointCodec.decode(golden("checkpoint-log-v1.json"))).isEqualTo(log);
    }

    @Test
    void aLogPositionInsideATransactionKeepsHowManyOfItsChangesAreApplied() throws IOException {
        Checkpoint.Log inside = new Checkpoint.Log(new io.tidemark.api.LogPosition(42L, "0/2A"), Instant.parse("2026-11-21T08:30:00Z"),
                "orders_cdc@orders#7", 3);
        assertThat(CheckpointCodec.encode(inside)).contains("\"applied_of_next\":3");
        assertThat(CheckpointCodec.decode(CheckpointCodec.encode(inside))).isEqualTo(inside);
        assertThat(((Checkpoint.Log) CheckpointCodec.decode(golden("checkpoint-log-v1.json"))).appliedOfNext())
                .as("a checkpoint written before the field existed is between transactions").isZero();
    }
}
