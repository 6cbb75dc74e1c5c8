package io.tidemark.connector.files;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** {@link WriteMode#CHANGES} beyond the shared acceptance suite: what is specific to rewriting a file. */
class KeyedChangesTest {
    @TempDir
    Path folder;

    private static final StreamId T = new StreamId(null, "t");
    private static final Column ID = new Column("id", DataType.INT64, false, null);
    private static final StreamSchema SCHEMA = new StreamSchema(T, List.of(ID, Column.of("v", DataType.STRING),
            Column.of("n", DataType.INT64)), List.of("id"), null);

    private static WriteResult apply(StreamWriter writer, ChangeOp op, StreamSchema schema, Object[]... rows) {
        return writer.apply(new ChangeBatch(op, new RowBatch(schema, List.of(rows))));
    }

    private static StreamSchema only(StreamSchema schema, String... names) {
        return new StreamSchema(schema.id(), Arrays.stream(names).map(n -> schema.column(n).orElseThrow()).toList(),
                schema.primaryKey(), null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void aKeyInsertedDeletedAndInsertedAgainInOneRunKeepsOnlyTheLastRecord(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, List.<Object[]>of(new Object[]{1L, "old", 1L}));
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 2, List.of())) {
                apply(w, ChangeOp.INSERT, SCHEMA, new Object[]{2L, "first", 2L});
                assertThat(apply(w, ChangeOp.DELETE, only(SCHEMA, "id"), new Object[]{1L}, new Object[]{2L}).deleted()).isEqualTo(2);
                assertThat(apply(w, ChangeOp.UPDATE, SCHEMA, new Object[]{2L, "gone", 0L}).rejected()).hasSize(1);
                WriteResult again = apply(w, ChangeOp.INSERT, SCHEMA, new Object[]{1L, "new", 10L}, new Object[]{2L, "second", 20L});
                assertThat(again.written()).isEqualTo(2);
                assertThat(again.rejected()).isEmpty();
                w.commit(FilesConnection.state(T, 2));
            }
            assertThat(files.read(T)).extracting(r -> r[0], r -> r[1], r -> r[2])
                    .containsExactly(tuple(1L, "new", 10L), tuple(2L, "second", 20L));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void updatesOfOneRecordAccumulateAndApplyToRecordsInsertedInTheSameRun(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, List.<Object[]>of(new Object[]{1L, "a", 1L}));
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 2, List.of())) {
                apply(w, ChangeOp.UPSERT, only(SCHEMA, "id", "v"), new Object[]{2L, "b"});
                apply(w, ChangeOp.UPDATE, only(SCHEMA, "id", "n"), new Object[]{1L, 100L}, new Object[]{2L, 200L});
                apply(w, ChangeOp.UPDATE, only(SCHEMA, "id", "v"), new Object[]{1L, "a2"});
                apply(w, ChangeOp.UPSERT, only(SCHEMA, "id", "v"), new Object[]{2L, null});
                w.commit(FilesConnection.state(T, 2));
            }
            assertThat(files.read(T)).extracting(r -> r[0], r -> r[1], r -> r[2])
                    .containsExactly(tuple(1L, "a2", 100L), tuple(2L, null, 200L));
        }
    }

    @Test
    void theSameKeyTwiceInOneInsertBatchInsertsTheFirstAndRejectsTheSecond() {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 1, List.of())) {
                WriteResult result = apply(w, ChangeOp.INSERT, SCHEMA, new Object[]{1L, "first", 1L}, new Object[]{1L, "second", 2L});
                assertThat(result.written()).isEqualTo(1);
                assertThat(result.rejected()).extracting(RejectedRow::reason).containsExactly("a record with key id=1 already exists");
                w.commit(FilesConnection.state(T, 1));
            }
            assertThat(files.read(T)).extracting(r -> r[1]).containsExactly("first");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void compositeTextAndUuidKeysMatchRecordsAndRejectionsCarryTheKeyInTheBatchsOrder(String format) {
        UUID tenant = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        StreamSchema schema = new StreamSchema(T, List.of(new Column("tenant", DataType.UUID_TYPE, false, null),
                new Column("code", DataType.string(8), false, null), Column.of("v", DataType.STRING)), List.of("code", "tenant"), null);
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            try (StreamWriter w = files.writer(schema, WriteMode.CHANGES, 1, List.of())) {
                apply(w, ChangeOp.INSERT, schema, new Object[]{tenant, "a,b", "x"}, new Object[]{tenant, "", "empty code"});
                w.commit(FilesConnection.state(T, 1));
            }
            try (StreamWriter w = files.writer(schema, WriteMode.CHANGES, 2, List.of())) {
                WriteResult insert = apply(w, ChangeOp.INSERT, schema, new Object[]{tenant, "a,b", "again"});
                assertThat(insert.rejected()).extracting(RejectedRow::key).containsExactly(List.of("a,b", tenant));
                assertThat(insert.rejected().getFirst().reason()).isEqualTo("a record with key code=a,b, tenant=" + tenant + " already exists");

                WriteResult update = apply(w, ChangeOp.UPDATE, schema, new Object[]{tenant, "", "set"}, new Object[]{UUID.randomUUID(), "", "?"});
                assertThat(update.written()).isEqualTo(1);
                assertThat(update.rejected()).singleElement().extracting(RejectedRow::reason).asString().contains("(not found)");
                w.commit(FilesConnection.state(T, 2));
            }
            assertThat(files.read(T)).extracting(r -> r[1], r -> r[2]).containsExactly(tuple("a,b", "x"), tuple("", "set"));
        }
    }

    @Test
    void decimalKeysMatchWhateverTheirScale() {
        StreamSchema schema = new StreamSchema(T, List.of(new Column("k", DataType.decimal(10, 3), false, null),
                Column.of("v", DataType.STRING)), List.of("k"), null);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            try (StreamWriter w = files.writer(schema, WriteMode.CHANGES, 1, List.of())) {
                apply(w, ChangeOp.INSERT, schema, new Object[]{new BigDecimal("1.5"), "a"});
                w.commit(FilesConnection.state(T, 1));
            }
            try (StreamWriter w = files.writer(schema, WriteMode.CHANGES, 2, List.of())) {
                assertThat(apply(w, ChangeOp.UPDATE, schema, new Object[]{new BigDecimal("1.500"), "b"}).written()).isEqualTo(1);
                w.commit(FilesConnection.state(T, 2));
            }
            assertThat(files.read(T)).extracting(r -> r[1]).containsExactly("b");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ChangeOp.class)
    void aNullKeyRefusesTheWholeCallAndTheWriterGoesOn(ChangeOp op) {
        StreamSchema schema = new StreamSchema(T, List.of(new Column("id", DataType.INT64, true, null)), List.of("id"), null);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            try (StreamWriter w = files.writer(schema, WriteMode.CHANGES, 1, List.of())) {
                assertThatThrownBy(() -> apply(w, op, schema, new Object[]{1L}, new Object[]{null}))
                        .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DESTINATION_REJECTED))
                        .hasMessageContaining("key column \"id\" is null")
                        .hasMessageContaining("none of which was applied");
                assertThat(apply(w, ChangeOp.INSERT, schema, new Object[]{2L}).written()).isEqualTo(1);
                w.commit(FilesConnection.state(T, 1));
            }
            assertThat(files.read(T)).extracting(r -> r[0]).containsExactly(2L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void valuesBeyondTheSidecarsDeclaredTypesAreRefusedNamingColumnTypeAndSidecar(String format) throws Exception {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            Files.writeString(folder.resolve("t." + format), format.equals("csv") ? "id,code,total\n1,a,1.00\n"
                    : "{\"id\":1,\"code\":\"a\",\"total\":\"1.00\"}\n");
            // The user's own constraints: a sidecar written by hand, with a non-null column and bounded types.
            Files.writeString(folder.resolve("t.schema.json"), """
                    {"formatVersion": 1, "primaryKey": ["id"], "columns": [
                      {"name": "id", "kind": "int64"},
                      {"name": "code", "kind": "string", "precision": 3},
                      {"name": "total", "kind": "decimal", "precision": 5, "scale": 2, "nullable": true}]}
                    """);
            StreamSchema schema = files.describe(T);
            try (StreamWriter w = files.writer(schema, WriteMode.CHANGES, 1, List.of())) {
                assertThatThrownBy(() -> apply(w, ChangeOp.UPDATE, schema, new Object[]{1L, "ok", new BigDecimal("1234.5")}))
                        .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DESTINATION_REJECTED))
                        .hasMessageContaining("key id=1 has 1234.50 in column \"total\", which does not fit its type decimal(5,2)")
                        .hasMessageContaining("widen the column's type in " + folder.resolve("t.schema.json"));
                assertThatThrownBy(() -> apply(w, ChangeOp.UPSERT, schema, new Object[]{2L, "long", null}))
                        .hasMessageContaining("column \"code\", which does not fit its type string(3)");
                assertThatThrownBy(() -> apply(w, ChangeOp.UPDATE, schema, new Object[]{1L, null, null}))
                        .hasMessageContaining("has null in column \"code\", which is declared not null");
                assertThatThrownBy(() -> apply(w, ChangeOp.UPSERT, only(schema, "id", "total"), new Object[]{1L, BigDecimal.TEN}))
                        .as("a new record would hold null in the non-null column the batch leaves out")
                        .hasMessageContaining("column \"code\" is declared not null but the changes do not set it");

                // An update may leave the non-null column out: the record keeps its value.
                assertThat(apply(w, ChangeOp.UPDATE, only(schema, "id", "total"), new Object[]{1L, new BigDecimal("999.99")}).written())
                        .isEqualTo(1);
                w.commit(FilesConnection.state(T, 1));
            }
            assertThat(files.read(T)).extracting(r -> r[1], r -> r[2]).containsExactly(tuple("a", new BigDecimal("999.99")));
        }
    }

    @Test
    void aDecimalIsStoredWithTheDeclaredScaleRoundingExtraDigitsAsSqlDoes() {
        StreamSchema schema = new StreamSchema(T, List.of(ID, Column.of("total", DataType.decimal(5, 2))), List.of("id"), null);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            try (StreamWriter w = files.writer(schema, WriteMode.CHANGES, 1, List.of())) {
                apply(w, ChangeOp.INSERT, schema, new Object[]{1L, new BigDecimal("1.005")}, new Object[]{2L, new BigDecimal("-2.5")});
                assertThatThrownBy(() -> apply(w, ChangeOp.INSERT, schema, new Object[]{3L, new BigDecimal("999.995")}))
                        .as("rounds up to 1000.00, one integer digit too many")
                        .hasMessageContaining("1000.00 in column \"total\"");
                w.commit(FilesConnection.state(T, 1));
            }
            assertThat(files.read(T)).extracting(r -> r[1]).containsExactly(new BigDecimal("1.01"), new BigDecimal("-2.50"));
        }
    }

    @Test
    void aHandWrittenFileWithoutSidecarTakesChangesAndKeepsItsOtherRows() throws Exception {
        Files.writeString(folder.resolve("t.csv"), "id,v,extra\n1,a,keep\n,no key,kept too\n2,b,x\n");
        StreamSchema schema = new StreamSchema(T, List.of(ID, Column.of("v", DataType.STRING)), List.of("id"), null);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            try (StreamWriter w = files.writer(schema, WriteMode.CHANGES, 1, List.of())) {
                assertThat(apply(w, ChangeOp.UPDATE, schema, new Object[]{1L, "a2"}).written()).isEqualTo(1);
                assertThat(apply(w, ChangeOp.DELETE, only(schema, "id"), new Object[]{2L}).deleted()).isEqualTo(1);
                w.commit(FilesConnection.state(T, 1));
            }
            assertThat(files.describe(T).primaryKey()).containsExactly("id");
            assertThat(files.read(T)).extracting(r -> r[0], r -> r[1], r -> r[2])
                    .containsExactly(tuple(1L, "a2", "keep"), tuple(null, "no key", "kept too"));
        }
    }

    @Test
    void changesIntoAFileWithoutPrimaryKeyAreRefused() {
        StreamSchema keyless = new StreamSchema(T, SCHEMA.columns(), List.of(), null);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThatThrownBy(() -> files.writer(keyless, WriteMode.CHANGES, 1, List.of()))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID))
                    .hasMessageContaining("needs a primary key");
        }
    }

    @Test
    void manyChangesOverALargerFileLeaveExactlyTheExpectedRecords() {
        List<Object[]> initial = new ArrayList<>();
        for (long id = 0; id < 20_000; id++) initial.add(new Object[]{id, "v" + id, id});
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, initial);
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 2, List.of())) {
                List<Object[]> deletes = new ArrayList<>();
                List<Object[]> updates = new ArrayList<>();
                List<Object[]> inserts = new ArrayList<>();
                for (long id = 0; id < 25_000; id++) {
                    if (id % 3 == 0) deletes.add(new Object[]{id});
                    else if (id % 3 == 1) updates.add(new Object[]{id, -id});
                    else if (id >= 20_000) inserts.add(new Object[]{id, "new", id});
                }
                WriteResult deleted = w.apply(new ChangeBatch(ChangeOp.DELETE, new RowBatch(only(SCHEMA, "id"), deletes)));
                WriteResult updated = w.apply(new ChangeBatch(ChangeOp.UPDATE, new RowBatch(only(SCHEMA, "id", "n"), updates)));
                WriteResult inserted = w.apply(new ChangeBatch(ChangeOp.INSERT, new RowBatch(SCHEMA, inserts)));
                assertThat(deleted.deleted()).isEqualTo(6667);
                assertThat(updated.written()).isEqualTo(6667);
                assertThat(updated.rejected()).hasSize(1666);
                assertThat(inserted.written()).isEqualTo(1667);
                w.commit(FilesConnection.state(T, 2));
            }
            List<Object[]> rows = files.read(T);
            assertThat(rows).hasSize(20_000 - 6667 + 1667);
            assertThat(rows).allSatisfy(r -> {
                long id = (Long) r[0];
                assertThat(id % 3).isNotZero();
                if (id >= 20_000) assertThat(r).containsExactly(id, "new", id);
                else if (id % 3 == 1) assertThat(r).containsExactly(id, "v" + id, -id);
                else assertThat(r).containsExactly(id, "v" + id, id);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class)
    void commitDataOnlyReplacesTheFileAndLeavesTheCommittedState(WriteMode mode) {
        try (FilesConnection files = FilesConnection.open(folder, "jsonl")) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, List.<Object[]>of(new Object[]{1L, "a", 1L}));
            try (StreamWriter w = files.writer(SCHEMA, mode, 2, List.of("id"))) {
                FilesConnection.send(w, mode, SCHEMA, List.<Object[]>of(new Object[]{2L, "b", 2L}));
                w.commitDataOnly();
            }
            assertThat(files.read(T)).extracting(r -> r[0]).contains(2L);
            assertThat(files.destination.committedState(FilesConnection.syncKey(T))).get()
                    .extracting(CommittedState::checkpoint).isEqualTo("cp1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void truncateRemovesEveryRecordAtCommit(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 1, List.of())) {
                apply(w, ChangeOp.UPSERT, SCHEMA, new Object[]{1L, "a", 1L}, new Object[]{2L, "b", 2L}, new Object[]{3L, "c", 3L});
                w.commit(FilesConnection.state(T, 1));
            }
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 2, List.of())) {
                apply(w, ChangeOp.UPSERT, SCHEMA, new Object[]{4L, "d", 4L});
                apply(w, ChangeOp.DELETE, only(SCHEMA, "id"), new Object[]{3L});
                apply(w, ChangeOp.UPDATE, only(SCHEMA, "id", "n"), new Object[]{1L, 100L});
                assertThat(w.truncate()).isEqualTo(3);
                assertThat(apply(w, ChangeOp.UPDATE, SCHEMA, new Object[]{1L, "gone", 0L}).rejected()).hasSize(1);
                assertThat(apply(w, ChangeOp.INSERT, SCHEMA, new Object[]{4L, "d again", null}, new Object[]{5L, "e", 5L}).written()).isEqualTo(2);
                assertThat(apply(w, ChangeOp.DELETE, only(SCHEMA, "id"), new Object[]{4L}).deleted()).isEqualTo(1);
                assertThat(files.read(T)).extracting(r -> r[0]).containsExactly(1L, 2L, 3L);
                w.commit(FilesConnection.state(T, 2));
            }
            assertThat(files.read(T)).extracting(r -> r[0], r -> r[1], r -> r[2]).containsExactly(tuple(5L, "e", 5L));
            assertThat(files.destination.committedState(FilesConnection.syncKey(T))).get()
                    .extracting(CommittedState::checkpoint).isEqualTo("cp2");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void truncateIsDiscardedWithoutCommit(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, List.of(new Object[]{1L, "a", 1L}, new Object[]{2L, "b", 2L}));
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 2, List.of())) {
                assertThat(w.truncate()).isEqualTo(2);
                apply(w, ChangeOp.INSERT, SCHEMA, new Object[]{3L, "c", 3L});
            }
            assertThat(files.read(T)).extracting(r -> r[0], r -> r[1]).containsExactly(tuple(1L, "a"), tuple(2L, "b"));
            assertThat(files.destination.committedState(FilesConnection.syncKey(T))).get()
                    .extracting(CommittedState::checkpoint).isEqualTo("cp1");
        }
    }

    @Test
    void aTruncatedFileKeepsItsHeaderAndSchema() throws Exception {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, List.<Object[]>of(new Object[]{1L, "a", 1L}));
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 2, List.of())) {
                assertThat(w.truncate()).isEqualTo(1);
                w.commit(FilesConnection.state(T, 2));
            }
            assertThat(Files.readString(folder.resolve("t.csv"))).isEqualTo("id,v,n\n");
            assertThat(files.describe(T)).isEqualTo(SCHEMA);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void truncateOfAFileWithoutRecordsRemovesNothing(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 1, List.of())) {
                assertThat(w.truncate()).isZero();
                w.commit(FilesConnection.state(T, 1));
            }
            try (StreamWriter w = files.writer(SCHEMA, WriteMode.CHANGES, 2, List.of())) {
                assertThat(w.truncate()).isZero();
                w.commit(FilesConnection.state(T, 2));
            }
            assertThat(files.read(T)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"REPLACE", "UPSERT", "APPEND"})
    void truncateIsRefusedOutsideKeyedChanges(WriteMode mode) {
        try (FilesConnection files = FilesConnection.open(folder, "csv");
             StreamWriter w = files.writer(SCHEMA, mode, 1, List.of("id"))) {
            assertThatThrownBy(w::truncate).isInstanceOfSatisfying(TidemarkException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED)).hasMessageContaining("CHANGES");
        }
    }
}
