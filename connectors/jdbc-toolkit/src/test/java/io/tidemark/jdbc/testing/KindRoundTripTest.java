package io.tidemark.jdbc.testing;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind written by Tidemark reads back exactly, and a broken query model is reported as such. */
public abstract class KindRoundTripTest extends FileDatabaseTest {
    protected Source source;
    protected Destination destination;

    /**
     * The edge values that depend on how much the database holds exactly; everything else in {@link #edgeRows()} is
     * the same for every database.
     *
     * @param amountType   the declared type of the {@code amount} column
     * @param lowAmount    the most negative {@code amount} worth testing
     * @param tinyAmount   the smallest positive {@code amount}
     * @param hugeUnbounded a large-magnitude value for the unbounded decimal
     * @param tinyUnbounded a tiny value for the unbounded decimal
     * @param finestNanos  the clock's tick: times are written at this precision
     * @param lastFloat    a {@code float32} value for the last row
     * @param lastDouble   a {@code float64} value for the last row
     * @param richJson     a JSON document with text that must keep its spelling
     * @param plainJson    a second JSON document
     */
    public record EdgeValues(DataType amountType, BigDecimal lowAmount, BigDecimal tinyAmount, BigDecimal hugeUnbounded,
                                BigDecimal tinyUnbounded, long finestNanos, float lastFloat, double lastDouble, String richJson,
                                String plainJson) {}

    protected abstract EdgeValues edgeValues();

    /** The kinds that {@link #source} describes for the table that Tidemark made from {@link #allKinds()}. */
    protected abstract List<DataType> describedKinds();

    /** What the database's parser says about {@code SELECT id FORM kinds}. */
    protected abstract String syntaxErrorWording();

    @BeforeEach
    void open() {
        source = factory().openSource(config(), context());
        destination = factory().openDestination(config(), context());
    }

    @AfterEach
    void close() {
        source.close();
        destination.close();
    }

    protected final StreamSchema allKinds() {
        return new StreamSchema(new StreamId(null, "kinds"), List.of(
                new Column("id", DataType.INT64, false, null),
                Column.of("flag", DataType.BOOLEAN),
                Column.of("small", DataType.INT16),
                Column.of("medium", DataType.INT32),
                Column.of("large", DataType.INT64),
                Column.of("single", DataType.FLOAT32),
                Column.of("double", DataType.FLOAT64),
                Column.of("amount", edgeValues().amountType()),
                Column.of("unbounded", DataType.DECIMAL),
                Column.of("text", DataType.STRING),
                Column.of("short_text", DataType.string(32)),
                Column.of("day", DataType.DATE),
                Column.of("clock", DataType.TIME),
                Column.of("local", DataType.TIMESTAMP),
                Column.of("instant", DataType.TIMESTAMPTZ),
                Column.of("bytes", DataType.BYTES),
                Column.of("uuid", DataType.UUID_TYPE),
                Column.of("doc", DataType.JSON)), List.of("id"), null);
    }

    /** Row 1 is all nulls, rows 2 and 3 the extremes of every kind, row 4 values that look like nulls or need care. */
    protected final List<Object[]> edgeRows() {
        EdgeValues edge = edgeValues();
        long tick = edge.finestNanos();
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) everyByte[i] = (byte) i;
        Object[] nulls = new Object[18];
        nulls[0] = 1L;
        return List.of(
                nulls,
                new Object[]{2L, false, Short.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE, Float.NaN, Double.NEGATIVE_INFINITY,
                        edge.lowAmount(), edge.hugeUnbounded(), "", "☃ émile 😀", LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT,
                        LocalDateTime.of(1970, 1, 1, 0, 0),
                        OffsetDateTime.of(2026, 1, 31, 23, 30, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)), new byte[0],
                        new UUID(0, 0), "{}"},
                new Object[]{3L, true, Short.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Float.POSITIVE_INFINITY, Double.NaN,
                        edge.tinyAmount(), edge.tinyUnbounded(), "x".repeat(100_000),
                        "\"quoted\", comma\nnewline\r\n\\N", LocalDate.of(9999, 12, 31),
                        LocalTime.of(23, 59, 59, truncated(999_999_999, tick)),
                        LocalDateTime.of(2026, 2, 28, 13, 14, 15, truncated(123_456_789, tick)),
                        OffsetDateTime.of(2026, 2, 28, 13, 14, 15, 654_321_000, ZoneOffset.UTC), everyByte,
                        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), edge.richJson()},
                new Object[]{4L, null, (short) 0, 0, 0L, edge.lastFloat(), edge.lastDouble(), new BigDecimal("12.50"),
                        new BigDecimal("-0"), "\\N", "NULL", LocalDate.of(2026, 2, 28), LocalTime.of(0, 0, 1),
                        LocalDateTime.of(2026, 1, 1, 0, 0), OffsetDateTime.of(2026, 1, 1, 0, 0, 0, (int) tick, ZoneOffset.ofHours(-8)),
                        new byte[]{0}, UUID.fromString("c720be1f-97ae-4b31-b82c-f1ddc891f531"), edge.plainJson()});
    }

    private static int truncated(int nanos, long tick) { return (int) (nanos - nanos % tick); }

    @Test
    void everyKindRoundTripsWithEdgeValues() {
        StreamSchema schema = allKinds();
        write(schema, WriteMode.REPLACE, edgeRows());

        StreamSchema described = source.describe(ModelSpec.table("kinds", schema.id(), List.of()));
        assertThat(described.primaryKey()).containsExactly("id");
        assertThat(described.columns()).extracting(Column::type).containsExactlyElementsOf(describedKinds());
        assertThat(normalized(readAll(described))).isEqualTo(normalized(edgeRows()));
    }

    @Test
    void aQueryWithASyntaxErrorIsAConfigurationErrorNamingTheModel() {
        assertThatThrownBy(() -> source.describe(ModelSpec.query("broken", "SELECT id FORM kinds", List.of())))
                .isInstanceOf(TidemarkException.class)
                .hasMessageContaining("describing model broken failed")
                .hasMessageContaining(syntaxErrorWording())
                .hasMessageEndingWith("fix the SQL of the model's query")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
    }

    protected final void write(StreamSchema schema, WriteMode mode, List<Object[]> rows) {
        try (StreamWriter w = destination.open(request(schema, mode))) {
            assertThat(w.write(new RowBatch(schema, rows)).rejected()).isEmpty();
            w.commit(new CommittedState("sync_" + schema.id().name(), 1, "{}", NOW));
        }
    }

    protected static WriteRequest request(StreamSchema schema, WriteMode mode) {
        return new WriteRequest("sync_" + schema.id().name(), schema.id(), schema, mode, 1, NOW, List.of());
    }

    /** Reads the whole table in small batches, ordered by its first column. */
    protected final List<Object[]> readAll(StreamSchema schema) { return readAll(source, schema); }

    /** Reads the rows of a model inside a cursor window, checking the window's upper bound on the way. */
    protected final List<Object[]> readWindow(ModelSpec model, StreamSchema schema, CursorWindow window, Object expectedUpperBound) {
        List<Object[]> rows = new ArrayList<>();
        try (StreamReader r = source.read(new ReadRequest(model, schema, SyncType.INCREMENTAL, Optional.of(window), 10))) {
            assertThat(r.cursorUpperBound()).contains(expectedUpperBound);
            for (RowBatch b = r.next(); b != null; b = r.next()) rows.addAll(b.rows());
        }
        return rows;
    }

    /** Values compared by meaning (decimals without trailing zeros, bytes by content, instants in UTC), long text shortened. */
    protected static List<List<Object>> normalized(List<Object[]> rows) {
        return rows.stream().map(row -> Arrays.stream(row).map(v -> switch (v) {
            case null -> "<null>";
            case BigDecimal d -> d.stripTrailingZeros().toPlainString();
            case byte[] b -> ByteBuffer.wrap(b);
            case String text when text.length() > 100 -> text.length() + " chars, hash " + text.hashCode();
            case OffsetDateTime t -> t.toInstant();
            default -> v;
        }).toList()).toList();
    }
}
