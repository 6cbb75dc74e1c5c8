package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyTableTest {

    private static byte[] bytes(String text) { return text.getBytes(StandardCharsets.UTF_8); }

    @Test
    void holdsEveryKeyThroughGrowthAndReportsOthersAbsent() {
        KeyTable table = new KeyTable("test keys");
        int keys = 200_000;
        // Lengths from 0 to ~300 bytes, so that entries need one- and two-byte length prefixes.
        for (int i = 0; i < keys; i++) table.put(bytes("k".repeat(i % 300) + i), i);
        for (int i = 0; i < keys; i += 7) table.put(bytes("k".repeat(i % 300) + i), -i);

        assertThat(table.size()).isEqualTo(keys);
        for (int i = 0; i < keys; i++) {
            assertThat(table.get(bytes("k".repeat(i % 300) + i))).isEqualTo(i % 7 == 0 ? -i : i);
        }
        assertThat(table.get(bytes("absent"))).isEqualTo(KeyTable.ABSENT);
        assertThat(table.get(new byte[0])).isEqualTo(KeyTable.ABSENT);
    }

    @Test
    void keysThatArePrefixesOfOneAnotherAreDistinct() {
        KeyTable table = new KeyTable("test keys");
        table.put(new byte[0], 1);
        table.put(bytes("a"), 2);
        table.put(bytes("ab"), 3);

        assertThat(table.get(new byte[0])).isEqualTo(1);
        assertThat(table.get(bytes("a"))).isEqualTo(2);
        assertThat(table.get(bytes("ab"))).isEqualTo(3);
        assertThat(table.get(bytes("abc"))).isEqualTo(KeyTable.ABSENT);
    }

    @Test
    void encodedKeysKeepNullEmptyAndSeparatorsApart() {
        StreamSchema schema = new StreamSchema(new StreamId(null, "t"), List.of(Column.of("a", DataType.STRING),
                Column.of("b", DataType.STRING)), List.of("a", "b"), null);
        KeyColumns key = KeyColumns.of(schema, schema.primaryKey(), "", Path.of("t.csv"));
        List<Object[]> rows = List.of(new Object[]{null, ""}, new Object[]{"", null}, new Object[]{"", ""},
                new Object[]{null, null}, new Object[]{"x,", "y"}, new Object[]{"x", ",y"});
        KeyTable table = new KeyTable("test keys");
        for (int i = 0; i < rows.size(); i++) table.put(key.encode(rows.get(i)), i);

        assertThat(table.size()).isEqualTo(rows.size());
        for (int i = 0; i < rows.size(); i++) assertThat(table.get(key.encode(rows.get(i)))).isEqualTo(i);
    }
}
