package io.tidemark.engine.diff;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RowSpillTest {
    @TempDir Path dir;

    private static final StreamSchema SCHEMA = new StreamSchema(new StreamId(null, "t"), Arrays.stream(DataType.Kind.values())
            .map(k -> Column.of("c_" + k.name().toLowerCase(), DataType.of(k))).toList(), List.of(), null);

    private static Object[] row(int i) {
        return new Object[]{i % 2 == 0, (short) i, i, (long) i * 1_000_000_007L, i / 3f, i / 7.0, new BigDecimal("123456789012345678901234567890." + i),
                "žluť " + "x".repeat(i % 50), LocalDate.of(2026, 1, 1).plusDays(i), LocalTime.of(12, 0).plusNanos(i),
                LocalDateTime.of(2026, 1, 1, 0, 0).plusSeconds(i), OffsetDateTime.of(2026, 1, 1, 0, 0, 0, i, ZoneOffset.UTC),
                new byte[]{(byte) i, 0, (byte) 255}, new UUID(i, -i), "{\"i\":" + i + "}"};
    }

    @Test
    void rowsOfEveryKindReadBackAtTheirOffsetsSkippingTheOthers() {
        List<Long> offsets = new ArrayList<>();
        try (RowSpill spill = new RowSpill(dir.resolve("rows.tmp"), SCHEMA)) {
            for (int i = 0; i < 5_000; i++) offsets.add(spill.append(i % 11 == 0 ? new Object[SCHEMA.columns().size()] : row(i)));
            try (RowSpill.Reader reader = spill.reader()) {
                for (int i = 3; i < 5_000; i += 97) {
                    Object[] back = reader.at(offsets.get(i));
                    Object[] expected = i % 11 == 0 ? new Object[SCHEMA.columns().size()] : row(i);
                    assertThat(back).usingRecursiveComparison().isEqualTo(expected);
                }
            }
        }
        assertThat(dir.resolve("rows.tmp")).doesNotExist();
    }
}
