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
import java.util.Set;

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
        return new MappedField(column, Optional.of(column), List.of(field), Optional.empty(), transform, false, false);
    }

    private static MappedField computed(String field, Transform transform) {
        return new MappedField(field, Optional.empty(), List.of(field), Optional.empty(), transform, false, false);
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
                        new Transform.Split.NameVersion(), false, false),
                new MappedField("city", Optional.of("city"), List.of("$geoip_city_name"), Optional.of("$set"), new Transform.Rename(), true, false),
                computed("source", new Transform.Constant("heap")),
                computed("batch", new Transform.Constant(7L)),
                computed("label", new Transform.Template("{{first_name}} paid {{amount}} at {{seen_at}}"))), List.of(), EVENTS, "sync \"e\": ");

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
                List.of(), EVENTS, "");
        assertThat(mapping.readColumns()).containsExactly(EVENTS.indexOf("city"), EVENTS.indexOf("first_name"), EVENTS.indexOf("id"));
        assertThat(mapping.columnOf("town")).isEqualTo(OptionalInt.of(EVENTS.indexOf("city")));
        assertThat(mapping.columnOf("label")).as("a template is made of several columns").isEmpty();
        assertThat(mapping.columnOf("source")).isEmpty();
    }

    @Test
    void aTemplateWritesNullColumnsAsEmptyText() throws Exception {
        RowMapping mapping = RowMapping.compile(List.of(computed("label", new Transform.Template("[{{first_name}}|{{city}}]"))), List.of(), EVENTS, "");
        assertThat(apply(mapping, new Object[EVENTS.columns().size()])).containsExactly("[|]");
    }

    @Test
    void dropEmptySendsBlankTextAndNanAsNullInEveryFieldOfTheEntry() throws Exception {
        RowMapping mapping = RowMapping.compile(List.of(
                new MappedField("city", Optional.of("city"), List.of("city"), Optional.empty(), new Transform.Rename(), true, false),
                new MappedField("ratio", Optional.of("ratio"), List.of("ratio"), Optional.empty(), new Transform.Rename(), true, false),
                new MappedField("platform", Optional.of("platform"), List.of("a", "b", "c"), Optional.empty(), new Transform.Split.Separator("/"), true, false),
                new MappedField("first_name", Optional.of("first_name"), List.of("first_name"), Optional.empty(), new Transform.Rename(), false, false)),
                List.of(), EVENTS, "");
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
                        new Transform.ValueMap(Map.of("a", "b"), Unmapped.REJECT), false, false)), List.of(), EVENTS, "");
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
        assertThatThrownBy(() -> RowMapping.compile(List.of(MappedField.rename("nickname", "nick")), List.of(), EVENTS, "sync \"e\": "))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND))
                .hasMessageStartingWith("sync \"e\": field_mapping column \"nickname\" not found in events (columns: id, time,")
                .hasMessageEndingWith("; fix field_mapping");
        assertThatThrownBy(() -> RowMapping.compile(List.of(computed("label", new Transform.Template("{{first_nme}}"))), List.of(), EVENTS, ""))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND))
                .hasMessageStartingWith("the template of field \"label\" reads column \"first_nme\", which is not in events");
    }

    private static final StreamSchema USERS = new StreamSchema(new StreamId(null, "users"), List.of(
            new Column("user_id", DataType.INT64, false, "bigint"), Column.of("identity", DataType.STRING), Column.of("email", DataType.STRING),
            Column.of("initial_browser", DataType.STRING), Column.of("initial_utm_source", DataType.STRING),
            Column.of("initial_secret", DataType.STRING), Column.of("joindate", DataType.TIMESTAMP), Column.of("seats", DataType.INT64),
            Column.of("plan", DataType.STRING)), List.of("user_id"), "duckdb");

    @Test
    void aPatternSendsEachColumnNoEntryNamesThatItIsTheFirstToMatchUnderItsOwnNameInModelOrder() throws Exception {
        RowMapping mapping = RowMapping.compile(List.of(MappedField.rename("user_id", "distinct_id"),
                        new MappedField("initial_browser", Optional.of("initial_browser"), List.of("$initial_browser"), Optional.of("$set_once"),
                                new Transform.Rename(), false, false),
                        computed("label", new Transform.Template("{{email}}!"))),
                List.of(new ColumnPattern("initial_*", Optional.of("$set_once"), true, Set.of("initial_secret")),
                        new ColumnPattern("*", Optional.of("$set"), true, Set.of("identity")),
                        new ColumnPattern("nothing_*", Optional.empty(), false, Set.of())),
                USERS, "");

        assertThat(mapping.columns()).extracting(Column::name, Column::type, Column::nullable, Column::nativeType).containsExactly(
                tuple("distinct_id", DataType.INT64, false, "bigint"), tuple("$set_once.$initial_browser", DataType.STRING, true, null),
                tuple("label", DataType.STRING, true, null), tuple("$set_once.initial_utm_source", DataType.STRING, true, null),
                tuple("$set.email", DataType.STRING, true, null), tuple("$set.joindate", DataType.TIMESTAMP, true, null),
                tuple("$set.seats", DataType.INT64, true, null), tuple("$set.plan", DataType.STRING, true, null));
        assertThat(mapping.readColumns()).as("what change tracking compares: the columns the patterns take included").containsExactly(
                USERS.indexOf("user_id"), USERS.indexOf("initial_browser"), USERS.indexOf("email"), USERS.indexOf("initial_utm_source"),
                USERS.indexOf("joindate"), USERS.indexOf("seats"), USERS.indexOf("plan"));
        assertThat(mapping.columnOf("$set.plan")).isEqualTo(OptionalInt.of(USERS.indexOf("plan")));

        Object[] out = apply(mapping, row(8317L, "ada@example.com", "ada@example.com", "Chrome", " ", "s3cret",
                java.time.LocalDateTime.of(2024, 2, 11, 18, 2, 44), 5L, "team"));
        assertThat(out).containsExactly(8317L, "Chrome", "ada@example.com!", null, "ada@example.com",
                java.time.LocalDateTime.of(2024, 2, 11, 18, 2, 44), 5L, "team");
    }

    @Test
    void anOptionalEntryIsLeftOutWhenTheModelLacksItsColumnAndAPatternMayMatchNothing() throws Exception {
        RowMapping mapping = RowMapping.compile(List.of(MappedField.rename("user_id", "distinct_id"),
                        new MappedField("browser", Optional.of("browser"), List.of("$browser"), Optional.empty(), new Transform.Rename(), true, true),
                        new MappedField("plan", Optional.of("plan"), List.of("$plan"), Optional.empty(), new Transform.Rename(), true, true)),
                List.of(new ColumnPattern("utm_*", Optional.empty(), true, Set.of())), USERS, "");
        assertThat(mapping.columns()).extracting(Column::name).containsExactly("distinct_id", "$plan");
        Object[] row = new Object[USERS.columns().size()];
        row[USERS.indexOf("user_id")] = 1L;
        row[USERS.indexOf("plan")] = "team";
        assertThat(apply(mapping, row)).containsExactly(1L, "team");
    }

    @Test
    void splitAndIso8601CombineWithGroupDropEmptyAndOptional() throws Exception {
        StreamSchema users = new StreamSchema(new StreamId(null, "users"), List.of(Column.of("user_id", DataType.INT64),
                Column.of("initial_platform", DataType.STRING), Column.of("joindate", DataType.STRING), Column.of("lastseen", DataType.INT64)),
                List.of("user_id"), "files");
        RowMapping mapping = RowMapping.compile(List.of(MappedField.rename("user_id", "distinct_id"),
                new MappedField("initial_platform", Optional.of("initial_platform"), List.of("$initial_os", "$initial_os_version"),
                        Optional.of("$set_once"), new Transform.Split.NameVersion(), true, true),
                new MappedField("joindate", Optional.of("joindate"), List.of("joindate"), Optional.of("$set"), new Transform.Iso8601(ZoneOffset.UTC), true, true),
                new MappedField("lastseen", Optional.of("lastseen"), List.of("lastseen"), Optional.of("$set"), new Transform.Iso8601(ZoneOffset.UTC), true, true),
                new MappedField("identity_time", Optional.of("identity_time"), List.of("identity_time"), Optional.of("$set"),
                        new Transform.Iso8601(ZoneOffset.UTC), true, true)), List.of(), users, "");

        assertThat(mapping.columns()).extracting(Column::name).containsExactly("distinct_id", "$set_once.$initial_os",
                "$set_once.$initial_os_version", "$set.joindate", "$set.lastseen");
        assertThat(apply(mapping, row(1L, "Mac OS X 10.15.7", "2024-03-01 09:15:02.123", 1_709_284_502_123L)))
                .containsExactly(1L, "Mac OS X", "10.15.7", "2024-03-01T09:15:02.123Z", "2024-03-01T09:15:02.123Z");
        assertThat(apply(mapping, row(2L, "Android", "2024-03-01 09:15:02.123 UTC", null)))
                .containsExactly(2L, "Android", null, "2024-03-01T09:15:02.123Z", null);
        assertThat(apply(mapping, row(3L, "  ", " ", null))).as("blank is no value, whatever the transform").containsExactly(3L, null, null, null, null);
    }

    @Test
    void aPatternThatWouldWriteAFieldAnEntryWritesIsRefusedNamingBoth() {
        assertThatThrownBy(() -> RowMapping.compile(List.of(MappedField.rename("user_id", "email")),
                List.of(new ColumnPattern("*", Optional.empty(), false, Set.of())), USERS, "sync \"u\": "))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID))
                .hasMessage("sync \"u\": field_mapping pattern \"*\" would send column email as field \"email\", which entry user_id "
                        + "writes too; add email to the pattern's except, or map the column with an entry of its own");
    }
}
