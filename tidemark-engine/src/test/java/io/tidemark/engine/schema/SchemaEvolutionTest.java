package io.tidemark.engine.schema;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.engine.config.ApplyMode;
import io.tidemark.engine.config.CdcTableMode;
import io.tidemark.engine.config.DeleteBehavior;
import io.tidemark.engine.config.Schedule;
import io.tidemark.engine.config.SchemaAction;
import io.tidemark.engine.config.SchemaChangeKind;
import io.tidemark.engine.config.SchemaPolicy;
import io.tidemark.engine.config.SyncConfig;
import io.tidemark.engine.mapping.ColumnPattern;
import io.tidemark.engine.mapping.FieldMapping;
import io.tidemark.engine.mapping.MappedField;
import io.tidemark.engine.mapping.Transform;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Classifying source schema changes against the baseline and acting on them by policy; pure, no database. */
class SchemaEvolutionTest {
    private static final StreamId ID = new StreamId("public", "orders");
    private static final List<Column> BASE = List.of(Column.of("id", DataType.INT64), Column.of("qty", DataType.INT32),
            Column.of("note", DataType.string(10)), Column.of("legacy", DataType.STRING));

    private static StreamSchema schema(List<Column> columns, String... key) {
        return new StreamSchema(ID, columns, List.of(key), "postgres");
    }

    private static List<Column> with(List<Column> columns, Column... more) {
        List<Column> out = new java.util.ArrayList<>(columns);
        out.addAll(Arrays.asList(more));
        return out;
    }

    private static List<Column> without(List<Column> columns, String name) {
        return columns.stream().filter(c -> !c.name().equals(name)).toList();
    }

    private static List<Column> retyped(List<Column> columns, String name, DataType type) {
        return columns.stream().map(c -> c.name().equals(name) ? Column.of(name, type) : c).toList();
    }

    private static SyncConfig sync(SyncType type, Map<SchemaChangeKind, SchemaAction> policy, FieldMapping mapping) {
        return new SyncConfig("orders_to_wh", "orders", "wh", new StreamId(null, "orders"), type, Optional.empty(), Optional.empty(),
                ApplyMode.UPSERT, List.of("id"), 1000, true, Optional.empty(), DeleteBehavior.NOTHING, mapping, Map.of(),
                CdcTableMode.CONSOLIDATED, Long.MAX_VALUE, new Schedule.Manual(), new SchemaPolicy(policy));
    }

    private static SchemaEvolution evolution(SyncConfig sync) {
        return SchemaEvolution.start(sync, Optional.of(SchemaBaseline.of(schema(BASE, "id"), List.of("id"))));
    }

    private static List<String> changes(List<Column> now) {
        return SchemaDiff.between(SchemaBaseline.of(schema(BASE, "id"), List.of("id")), schema(now, "id"), List.of("id"), false, c -> true)
                .stream().map(SchemaChange::describe).toList();
    }

    @Test
    void eachKindOfChangeIsClassified() {
        assertThat(changes(BASE)).isEmpty();
        assertThat(changes(with(BASE, Column.of("email", DataType.STRING)))).containsExactly("column email (string) added");
        assertThat(changes(without(BASE, "legacy"))).containsExactly("column legacy (string) dropped");
        assertThat(changes(retyped(BASE, "qty", DataType.INT64))).containsExactly("column qty widened from int32 to int64");
        assertThat(changes(retyped(BASE, "note", DataType.STRING))).containsExactly("column note widened from string(10) to string");
        assertThat(changes(retyped(BASE, "qty", DataType.INT16))).containsExactly("column qty changed type from int32 to int16");
        assertThat(changes(retyped(BASE, "note", DataType.INT64))).containsExactly("column note changed type from string(10) to int64");
        assertThat(SchemaDiff.between(SchemaBaseline.of(schema(BASE, "id"), List.of("id")), schema(BASE, "id", "qty"), List.of("id", "qty"), true, c -> true))
                .extracting(SchemaChange::describe).containsExactly("primary key changed from (id) to (id, qty)");
        // A dropped key column is a key change (rows could not be matched), not a plain drop.
        assertThat(SchemaDiff.between(SchemaBaseline.of(schema(BASE, "id"), List.of("id")), schema(without(BASE, "id")), List.of("id"), false, c -> true))
                .extracting(SchemaChange::describe).containsExactly("primary key changed from (id) to (none)");
    }

    @Test
    void theSafeWideningsAreExactlyThoseThatKeepEveryValue() {
        assertThat(DataType.INT16.widensTo(DataType.INT32)).isTrue();
        assertThat(DataType.INT32.widensTo(DataType.INT64)).isTrue();
        assertThat(DataType.INT64.widensTo(DataType.decimal(19, 0))).isTrue();
        assertThat(DataType.INT64.widensTo(DataType.decimal(20, 2))).isFalse();
        assertThat(DataType.INT64.widensTo(DataType.DECIMAL)).isTrue();
        assertThat(DataType.INT32.widensTo(DataType.FLOAT64)).isTrue();
        assertThat(DataType.INT64.widensTo(DataType.FLOAT64)).as("a double cannot hold every long").isFalse();
        assertThat(DataType.FLOAT32.widensTo(DataType.FLOAT64)).isTrue();
        assertThat(DataType.FLOAT64.widensTo(DataType.FLOAT32)).isFalse();
        assertThat(DataType.string(10).widensTo(DataType.string(20))).isTrue();
        assertThat(DataType.STRING.widensTo(DataType.string(20))).isFalse();
        assertThat(DataType.decimal(10, 2).widensTo(DataType.decimal(12, 4))).isTrue();
        assertThat(DataType.decimal(10, 2).widensTo(DataType.decimal(10, 3))).as("loses an integer digit").isFalse();
        assertThat(DataType.DECIMAL.widensTo(DataType.decimal(38, 10))).isFalse();
        assertThat(DataType.TIMESTAMP.widensTo(DataType.TIMESTAMPTZ)).isTrue();
        assertThat(DataType.TIMESTAMPTZ.widensTo(DataType.TIMESTAMP)).isFalse();
        assertThat(DataType.INT32.widensTo(DataType.STRING)).isFalse();
    }

    @Test
    void aDroppedColumnBackWithItsTypeIsAddedAndWithAnotherTypeIsARetype() {
        SchemaEvolution evolution = evolution(sync(SyncType.INCREMENTAL, Map.of(), FieldMapping.NONE));
        evolution.shape(schema(without(BASE, "qty"), "id"), false);
        assertThat(evolution.pending(schema(BASE, "id"))).extracting(d -> d.change().describe()).containsExactly("column qty (int32) added");
        assertThat(evolution.pending(schema(retyped(BASE, "qty", DataType.STRING), "id"))).extracting(d -> d.change().describe() + " -> " + d.action().configName())
                .containsExactly("column qty changed type from int32 to string -> pause");
        assertThat(evolution.pending(schema(retyped(BASE, "qty", DataType.INT64), "id"))).extracting(d -> d.change().kind())
                .containsExactly(SchemaChangeKind.TYPE_WIDENED);
    }

    @Test
    void propagateAddsAndWidensColumnsAndWritesNullsToDroppedOnes() {
        SchemaEvolution evolution = evolution(sync(SyncType.INCREMENTAL, Map.of(), FieldMapping.NONE));
        List<Column> now = with(retyped(without(BASE, "legacy"), "qty", DataType.INT64), Column.of("email", DataType.STRING));

        SchemaShape shape = evolution.shape(schema(now, "id"), false);

        assertThat(shape.shaped().columnNames()).containsExactly("id", "qty", "note", "legacy", "email");
        assertThat(shape.shaped().column("qty").orElseThrow().type()).isEqualTo(DataType.INT64);
        assertThat(shape.row(new Object[] {1L, 5L, "n", "e@x"})).containsExactly(1L, 5L, "n", null, "e@x");
        assertThat(evolution.changedBaseline()).as("nothing is kept before the destination committed").isEmpty();
        assertThat(evolution.recorded()).isEmpty();
        evolution.committed();
        assertThat(evolution.recorded()).extracting(d -> d.action()).containsOnly(SchemaAction.PROPAGATE);
        SchemaBaseline next = evolution.changedBaseline().orElseThrow();
        assertThat(next.column("legacy").orElseThrow().dropped()).isTrue();
        assertThat(SchemaBaseline.fromJson(next.toJson())).isEqualTo(next);
        // The next run against the same source meets nothing new.
        assertThat(SchemaEvolution.start(sync(SyncType.INCREMENTAL, Map.of(), FieldMapping.NONE), Optional.of(next)).pending(schema(now, "id"))).isEmpty();
    }

    @Test
    void ignoreKeepsTheOldShapeAndMeetsTheChangeAgainNextRun() {
        SyncConfig sync = sync(SyncType.INCREMENTAL, Map.of(SchemaChangeKind.COLUMN_ADDED, SchemaAction.IGNORE,
                SchemaChangeKind.COLUMN_DROPPED, SchemaAction.IGNORE), FieldMapping.NONE);
        SchemaEvolution evolution = evolution(sync);
        SchemaShape shape = evolution.shape(schema(with(without(BASE, "legacy"), Column.of("email", DataType.STRING)), "id"), false);

        // The ignored drop is left out, so an upsert leaves the destination's values in it as they are.
        assertThat(shape.shaped().columnNames()).containsExactly("id", "qty", "note");
        evolution.committed();
        SchemaBaseline next = evolution.changedBaseline().orElseThrow();
        assertThat(next.column("email").orElseThrow().ignored()).isTrue();
        assertThat(evolution.recorded()).extracting(d -> d.action()).containsOnly(SchemaAction.IGNORE);
        // The next run still does not send it and shows it as pending, but does not record it as news again.
        SchemaEvolution nextRun = SchemaEvolution.start(sync, Optional.of(SchemaBaseline.fromJson(next.toJson())));
        StreamSchema same = schema(with(without(BASE, "legacy"), Column.of("email", DataType.STRING)), "id");
        assertThat(nextRun.pending(same)).extracting(d -> d.change().describe()).containsExactly("column email (string) added");
        assertThat(nextRun.shape(same, false).shaped().columnNames()).containsExactly("id", "qty", "note");
        nextRun.committed();
        assertThat(nextRun.recorded()).isEmpty();
        // A full refresh rewrites every row: the dropped column stays, null.
        SyncConfig refresh = sync(SyncType.FULL_REFRESH, Map.of(SchemaChangeKind.COLUMN_DROPPED, SchemaAction.IGNORE), FieldMapping.NONE);
        assertThat(evolution(refresh).shape(schema(without(BASE, "legacy"), "id"), false).shaped().columnNames())
                .containsExactly("id", "qty", "note", "legacy");
    }

    @Test
    void aColumnBackAfterADropAndIgnoredIsRecordedOnceAndKeptAsNull() {
        SyncConfig sync = sync(SyncType.FULL_REFRESH, Map.of(SchemaChangeKind.COLUMN_ADDED, SchemaAction.IGNORE), FieldMapping.NONE);
        SchemaEvolution first = evolution(sync);
        first.shape(schema(without(BASE, "legacy"), "id"), false);
        first.committed();
        SchemaEvolution second = SchemaEvolution.start(sync, first.changedBaseline());
        SchemaShape back = second.shape(schema(BASE, "id"), false);
        second.committed();
        assertThat(second.recorded()).extracting(d -> d.change().describe() + " -> " + d.action().configName())
                .containsExactly("column legacy (string) added -> ignore");
        assertThat(back.shaped().columnNames()).as("the destination keeps it; a full refresh writes it as null").contains("legacy");
        assertThat(back.row(new Object[] {1L, 1, "n", "value"})[3]).isNull();

        SchemaEvolution third = SchemaEvolution.start(sync, second.changedBaseline());
        third.shape(schema(BASE, "id"), false);
        third.committed();
        assertThat(third.recorded()).isEmpty();

        // Gone again: a plain dropped column, no longer in the shape the change log is read in.
        SchemaEvolution fourth = SchemaEvolution.start(sync, third.changedBaseline().or(second::changedBaseline));
        fourth.shape(schema(without(BASE, "legacy"), "id"), false);
        fourth.committed();
        SchemaBaseline gone = fourth.changedBaseline().orElseThrow();
        assertThat(gone.column("legacy").orElseThrow()).extracting(c -> c.dropped(), c -> c.ignored()).containsExactly(true, false);
        assertThat(gone.liveSchema(new StreamId(null, "orders"), "postgres").columnNames()).doesNotContain("legacy");
    }

    @Test
    void pauseAndFailStopBeforeAnythingAndSayWhatChangedAndTheChoices() {
        SchemaEvolution paused = evolution(sync(SyncType.INCREMENTAL, Map.of(), FieldMapping.NONE));
        assertThatThrownBy(() -> paused.shape(schema(retyped(BASE, "qty", DataType.STRING), "id"), false))
                .isInstanceOfSatisfying(TidemarkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_CHANGED);
                    assertThat(e.getMessage()).contains("column qty changed type from int32 to string: pause (schema_policy type_changed)")
                            .contains("nothing was written").contains("The sync is paused").contains("tidemark resync orders_to_wh")
                            .contains("tidemark resume orders_to_wh").doesNotContain("propagate (or ignore)");
                });
        assertThat(paused.pauses()).isTrue();
        assertThat(paused.changedBaseline()).isEmpty();
        assertThat(paused.recorded()).extracting(d -> d.change().kind()).containsExactly(SchemaChangeKind.TYPE_CHANGED);

        SchemaEvolution failed = evolution(sync(SyncType.INCREMENTAL, Map.of(SchemaChangeKind.COLUMN_ADDED, SchemaAction.FAIL), FieldMapping.NONE));
        assertThatThrownBy(() -> failed.shape(schema(with(BASE, Column.of("email", DataType.STRING)), "id"), false))
                .hasMessageContaining("column email (string) added: fail").hasMessageContaining("set schema_policy to propagate (or ignore)")
                .hasMessageNotContaining("paused");
        assertThat(failed.pauses()).isFalse();
        assertThat(failed.stop().orElseThrow().action()).isEqualTo(SchemaAction.FAIL);
    }

    @Test
    void aMappedSyncOnlyMeetsChangesToTheColumnsItSends() {
        SyncConfig mapped = sync(SyncType.DIFF, Map.of(), FieldMapping.of(List.of(MappedField.rename("id", "id"), MappedField.rename("qty", "quantity"))));
        SchemaEvolution evolution = evolution(mapped);
        List<Column> now = with(retyped(without(BASE, "legacy"), "note", DataType.INT64), Column.of("email", DataType.STRING));

        assertThat(evolution.pending(schema(now, "id"))).isEmpty();
        assertThat(evolution.shape(schema(now, "id"), false).shaped().columnNames()).doesNotContain("email");
        assertThat(evolution.pending(schema(retyped(now, "qty", DataType.INT64), "id"))).extracting(d -> d.change().describe())
                .containsExactly("column qty widened from int32 to int64");
    }

    @Test
    void aColumnAddedAtTheSourceThatAPatternTakesAndSendsIsOneThePolicyDecidesOn() {
        FieldMapping mapping = FieldMapping.of(List.of(MappedField.rename("id", "id")),
                List.of(new ColumnPattern("utm_*", Optional.of("$set"), true, Set.of("utm_secret"))));
        List<Column> now = with(BASE, Column.of("utm_source", DataType.STRING), Column.of("utm_secret", DataType.STRING),
                Column.of("email", DataType.STRING));

        SchemaEvolution propagating = evolution(sync(SyncType.DIFF, Map.of(), mapping));
        assertThat(propagating.pending(schema(now, "id"))).extracting(SchemaEvolution.Decision::describe)
                .containsExactly("column utm_source (string) added: propagate (schema_policy column_added)");
        assertThat(propagating.shape(schema(now, "id"), false).shaped().columnNames()).as("what the patterns are resolved against")
                .contains("utm_source").doesNotContain("utm_secret", "email");

        SchemaEvolution ignoring = evolution(sync(SyncType.DIFF, Map.of(SchemaChangeKind.COLUMN_ADDED, SchemaAction.IGNORE), mapping));
        assertThat(ignoring.shape(schema(now, "id"), false).shaped().columnNames()).doesNotContain("utm_source");

        SchemaEvolution pausing = evolution(sync(SyncType.DIFF, Map.of(SchemaChangeKind.COLUMN_ADDED, SchemaAction.PAUSE), mapping));
        assertThatThrownBy(() -> pausing.shape(schema(now, "id"), false)).hasMessageContaining("column utm_source (string) added: pause");
    }

    @Test
    void theColumnsATemplateReadsCountAsSentButAConstantReadsNone() {
        SyncConfig mapped = sync(SyncType.DIFF, Map.of(), FieldMapping.of(List.of(MappedField.rename("id", "id"),
                new MappedField("label", Optional.empty(), List.of("label"), Optional.empty(), new Transform.Template("{{ note }}!"), false, false),
                new MappedField("legacy", Optional.empty(), List.of("legacy"), Optional.empty(), new Transform.Constant(1L), false, false))));
        SchemaEvolution evolution = evolution(mapped);

        assertThat(evolution.pending(schema(retyped(BASE, "note", DataType.INT64), "id"))).extracting(d -> d.change().describe())
                .singleElement().asString().startsWith("column note");
        assertThat(evolution.pending(schema(retyped(BASE, "legacy", DataType.INT64), "id"))).as("a constant's key is a field, not a column")
                .isEmpty();
    }

    @Test
    void aRebuildTakesTheSourceAsItIsWhateverChanged() {
        SchemaEvolution evolution = evolution(sync(SyncType.INCREMENTAL, Map.of(), FieldMapping.NONE));
        List<Column> now = retyped(BASE, "qty", DataType.STRING);
        assertThat(evolution.shape(schema(now, "id"), true).isIdentity()).isTrue();
        evolution.committed();
        assertThat(evolution.recorded()).isEmpty();
        assertThat(evolution.changedBaseline().orElseThrow().column("qty").orElseThrow().type()).isEqualTo(DataType.STRING);
    }
}
