package io.tidemark.engine.mapping;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.mapping.Transform.ValueMap.Unmapped;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** A mapping compiled against a model schema, applied to rows: destination columns, values and located errors. */
class RowMappingTest {
    private static final StreamSchema EVENTS = new StreamSchema(new StreamId(null, "events"), List.of(
            new Column("id", DataType.INT64, false, "bigint"), Column.of("time", DataType.STRING), Column.of("event_name", DataType.STRING),
            Column.of("platform", DataType.STRING), Column.of("city", DataType.STRING), Column.of("first_name", DataType.STRING),
            Column.of("amount", DataType.decimal(10, 2)), Column.of("seen_at", DataType.TIMESTAMPTZ), Column.of("ratio", DataType.FLOAT64)),
            List.of("id"), "sqlite");

    private static MappedField entry(String column, String field, Transform transform) {
        return new MappedField(column, Optional.of(column), List.of(field), Optional.empty(), transform, false);
    }

    private static MappedField computed(String field, Transform transform) {
        return new MappedField(field, Optional.empty(), List.of(field), Optional.empty(), transform, false);
    }

    private static Object[] row(Object... values) { return values; }

    private static Object[] apply(RowMapping mapping, Object[] row) throws TransformException {
        Object[] out = new Object[mapping.columns().size()];
        mapping.apply(row, out);
        return out;
    }

    @Test
    void eachEntryWritesItsFieldsInOrderWithItsTransformsType() throws Exception {
        RowMapping mapping = RowMapping.compile(List.of(
                MappedField.rename("id", "id"),
                entry("time", "timestamp", new Transform.Iso8601(ZoneOffset.UTC)),
                entry("event_name", "event", new Transform.ValueMap(Map.of("pageview", "$pageview"), Unmapped.KEEP)),
                new MappedField("platform", Optional.of("platform"), List.of("$os", "$os_version"), Optional.empty(),
                        new Transform.Split.NameVersion(), false),
                new MappedField("city", Optional.of("city"), List.of("$geoip_city_name"), Optional.of("$set"), new Transform.Rename(), true),
                computed("source", new Transform.Constant("heap")),
                computed("batch", new Transform.Constant(7L)),
                computed("label", new Transform.Template("{{first_name}} paid {{amount}} at {{seen_at}}"))), EVENTS, "sync \"e\": ");

        assertThat(mapping.columns()).extracting(Column::name, Column::type, Column::nullable, Column::nativeType).containsExactly(
                tuple("id", DataType.INT64, false, "bigint"), tuple("timestamp", DataType.STRING, true, null),
                tuple("event", DataType.STRING, true, null), tuple("$os", DataType.STRING, true, null),
                tuple("$os_version", DataType.STRING, true, null), tuple("$set.$geoip_city_name", DataType.STRING, true, null),
                tuple("source", DataType.STRING, true, null), tuple("batch", DataType.INT64, true, null),
                tuple("label", DataType.STRING, true, null));
        Object[] out = apply(mapping, row(1L, "2024-01-02 03:04:05.678 UTC", "pageview", "Mac OS X 10.15", "Berlin", "Ada",
                new BigDecimal("12.50"), OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)), 0.5));
        assertThat(out).containsExactly(1L, "2024-01-02T03:04:05.678Z", "$pageview", "Mac OS X", "10.15", "Berlin", "heap", 7L,
                "Ada paid 12.50 at 2024-01-02T01:04:05Z");
    }

    @Test
    void theModelColumnsReadAreEachListedOnceInFirstUseOrder() {
        RowMapping mapping = RowMapping.compile(List.of(
                computed("label", new Transform.Template("{{city}}, {{first_name}} {{city}}")),
                MappedField.rename("id", "id"), MappedField.rename("city", "town"), computed("source", new Transform.Constant("x"))),
                EVENTS, "");
        assertThat(mapping.readColumns()).containsExactly(EVENTS.indexOf("city"), EVENTS.indexOf("first_name"), EVENTS.indexOf("id"));
        assertThat(mapping.columnOf("town")).isEqualTo(OptionalInt.of(EVENTS.indexOf("city")));
        assertThat(mapping.columnOf("label")).as("a template is made of several columns").isEmpty();
        assertThat(mapping.columnOf("source")).isEmpty();
    }

    @Test
    void aTemplateWritesNullColumnsAsEmptyText() throws Exception {
        RowMapping mapping = RowMapping.compile(List.of(computed("label", new Transform.Template("[{{first_name}}|{{city}}]"))), EVENTS, "");
        assertThat(apply(mapping, new Object[EVENTS.columns().size()])).containsExactly("[|]");
    }

    @Test
    void dropEmptySendsBlankTextAndNanAsNullInEveryFieldOfTheEntry() throws Exception {
        RowMapping mapping = RowMapping.compile(List.of(
                new MappedField("city", Optional.of("city"), List.of("city"), Optional.empty(), new Transform.Rename(), true),
                new MappedField("ratio", Optional.of("ratio"), List.of("ratio"), Optional.empty(), new Transform.Rename(), true),
                new MappedField("platform", Optional.of("platform"), List.of("a", "b", "c"), Optional.empty(), new Transform.Split.Separator("/"), true),
                new MappedField("first_name", Optional.of("first_name"), List.of("first_name"), Optional.empty(), new Transform.Rename(), false)),
                EVENTS, "");
        Object[] row = new Object[EVENTS.columns().size()];
        row[EVENTS.indexOf("city")] = " \u00a0\t\u3000";
        row[EVENTS.indexOf("ratio")] = Double.NaN;
        row[EVENTS.indexOf("platform")] = "x/ /z";
        row[EVENTS.indexOf("first_name")] = " ";
        assertThat(apply(mapping, row)).containsExactly(null, null, "x", null, "z", " ");
        row[EVENTS.indexOf("city")] = " Köln ";
        row[EVENTS.indexOf("ratio")] = 0.0;
        assertThat(Arrays.copyOf(apply(mapping, row), 2)).as("only empty values go").containsExactly(" Köln ", 0.0);
    }

    @Test
    void aFailingTransformNamesTheDestinationFieldAndTheColumn() {
        RowMapping mapping = RowMapping.compile(List.of(MappedField.rename("id", "id"),
                entry("time", "timestamp", new Transform.Iso8601(ZoneOffset.UTC)),
                new MappedField("event_name", Optional.of("event_name"), List.of("event"), Optional.of("$set"),
                        new Transform.ValueMap(Map.of("a", "b"), Unmapped.REJECT), false)), EVENTS, "");
        Object[] row = new Object[EVENTS.columns().size()];
        row[EVENTS.indexOf("time")] = "Invalid date";
        assertThatThrownBy(() -> apply(mapping, row)).isInstanceOf(TransformException.class)
                .hasMessage("field \"timestamp\": cannot read \"Invalid date\" as a timestamp (column time)");
        row[EVENTS.indexOf("time")] = null;
        row[EVENTS.indexOf("event_name")] = "zzz";
        assertThatThrownBy(() -> apply(mapping, row)).isInstanceOfSatisfying(TransformException.class, e -> {
            assertThat(e).hasMessageStartingWith("field \"$set.event\": value \"zzz\" is not in map").hasMessageEndingWith("(column event_name)");
            assertThat(e.reason()).startsWith("value \"zzz\"");
        });
    }

    @Test
    void aColumnTheModelLacksIsNamedWithTheModelsColumns() {
        assertThatThrownBy(() -> RowMapping.compile(List.of(MappedField.rename("nickname", "nick")), EVENTS, "sync \"e\": "))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND))
                .hasMessageStartingWith("sync \"e\": field_mapping column \"nickname\" not found in events (columns: id, time,")
                .hasMessageEndingWith("; fix field_mapping");
        assertThatThrownBy(() -> RowMapping.compile(List.of(computed("label", new Transform.Template("{{first_nme}}"))), EVENTS, ""))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND))
                .hasMessageStartingWith("the template of field \"label\" reads column \"first_nme\", which is not in events");
    }
}
