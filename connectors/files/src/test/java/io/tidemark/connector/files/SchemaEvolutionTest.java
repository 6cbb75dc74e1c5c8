package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Upserts, appends and resyncs into a file whose schema differs from the run's. */
class SchemaEvolutionTest {
    @TempDir
    Path folder;

    private static final StreamId T = new StreamId(null, "t");

    private static StreamSchema schema(Column... columns) { return new StreamSchema(T, List.of(columns), List.of("id"), null); }

    private static final Column ID = new Column("id", DataType.INT64, false, null);

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void aNewColumnIsAddedAndOlderRowsReadNull(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(schema(ID, Column.of("a", DataType.STRING)), WriteMode.UPSERT, 1,
                    List.<Object[]>of(new Object[]{1L, "x"}, new Object[]{2L, "y"}));
            files.write(schema(ID, Column.of("b", DataType.DATE)), WriteMode.UPSERT, 2,
                    List.<Object[]>of(new Object[]{2L, LocalDate.of(2026, 1, 1)}));

            assertThat(files.describe(T).columnNames()).containsExactly("id", "a", "b");
            assertThat(files.read(T)).extracting(r -> r[0], r -> r[1], r -> r[2]).containsExactly(
                    tuple(1L, "x", null), tuple(2L, null, LocalDate.of(2026, 1, 1)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void aColumnWidensAndKeepsItsOldValues(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(schema(ID, Column.of("n", DataType.INT32)), WriteMode.APPEND, 1, List.<Object[]>of(new Object[]{1L, 7}));
            files.write(schema(ID, Column.of("n", DataType.decimal(30, 2))), WriteMode.APPEND, 2,
                    List.<Object[]>of(new Object[]{2L, new java.math.BigDecimal("12345678901234567.25")}));

            assertThat(files.describe(T).column("n").orElseThrow().type()).isEqualTo(DataType.decimal(30, 2));
            assertThat(files.read(T)).extracting(r -> r[1]).containsExactly(new java.math.BigDecimal("7"),
                    new java.math.BigDecimal("12345678901234567.25"));
        }
    }

    /**
     * The widenings of {@link DataType#widensTo} at once, with values only the wider types hold. Values keep the form
     * they were written in (a decimal its digits, which is the same value at any scale); a timestamp becomes UTC.
     */
    @ParameterizedTest
    @CsvSource({"csv, UPSERT", "csv, APPEND", "csv, CHANGES", "jsonl, UPSERT", "jsonl, APPEND", "jsonl, CHANGES"})
    void widenedColumnsTakeTheNewValuesAndTheOldRowsAreRewrittenInTheWiderTypes(String format, WriteMode mode) throws Exception {
        StreamSchema narrow = schema(new Column("id", DataType.INT32, false, null), Column.of("name", DataType.string(10)),
                Column.of("amount", DataType.decimal(10, 2)), Column.of("at", DataType.TIMESTAMP), Column.of("ratio", DataType.FLOAT32));
        StreamSchema wide = schema(ID, Column.of("name", DataType.STRING), Column.of("amount", DataType.decimal(20, 4)),
                Column.of("at", DataType.TIMESTAMPTZ), Column.of("ratio", DataType.FLOAT64));
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            commit(files, narrow, mode, 1, new Object[]{7, "short", new BigDecimal("12.50"), LocalDateTime.parse("2026-01-01T10:00:00"), 1.5f});
            commit(files, wide, mode, 2, new Object[]{5_000_000_000L, "a name much longer than ten characters",
                    new BigDecimal("1234567890123456.1234"), OffsetDateTime.parse("2026-02-01T10:00:00.123456+02:00"), 1.0e300});

            assertThat(files.describe(T).columns().subList(0, 5)).extracting(Column::type).containsExactly(DataType.INT64, DataType.STRING,
                    DataType.decimal(20, 4), DataType.TIMESTAMPTZ, DataType.FLOAT64);
            assertThat(files.read(T)).extracting(r -> List.of(r[0], r[1], r[2], ((OffsetDateTime) r[3]).toInstant(), r[4])).containsExactly(
                    List.of(7L, "short", new BigDecimal("12.50"), Instant.parse("2026-01-01T10:00:00Z"), 1.5),
                    List.of(5_000_000_000L, "a name much longer than ten characters", new BigDecimal("1234567890123456.1234"),
                            Instant.parse("2026-02-01T08:00:00.123456Z"), 1.0e300));
            assertThat(Files.readString(folder.resolve("t." + format))).as("the old row in the wider types' form")
                    .contains("2026-01-01T10:00Z").doesNotContain("2026-01-01T10:00:00\"", "2026-01-01T10:00:00,");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPSERT", "APPEND", "CHANGES"})
    void aWriterClosedWithoutCommitLeavesTheFileAndItsTypes(WriteMode mode) throws Exception {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            commit(files, schema(ID, Column.of("n", DataType.INT32)), mode, 1, new Object[]{1L, 7});
            String file = Files.readString(folder.resolve("t.csv"));
            try (StreamWriter w = files.writer(schema(ID, Column.of("n", DataType.INT64)), mode, 2, List.of())) {
                FilesConnection.send(w, mode, schema(ID, Column.of("n", DataType.INT64)), List.<Object[]>of(new Object[]{2L, 5_000_000_000L}));
            }

            assertThat(files.describe(T).column("n")).get().extracting(Column::type).isEqualTo(DataType.INT32);
            assertThat(Files.readString(folder.resolve("t.csv"))).isEqualTo(file);
        }
    }

    private static void commit(FilesConnection files, StreamSchema schema, WriteMode mode, long runId, Object[] row) {
        try (StreamWriter w = files.writer(schema, mode, runId, List.of())) {
            FilesConnection.send(w, mode, schema, List.<Object[]>of(row));
            w.commit(FilesConnection.state(T, runId));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void narrowerValuesGoIntoTheWiderExistingColumn(String format) {
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(schema(ID, Column.of("n", DataType.INT64)), WriteMode.UPSERT, 1, List.<Object[]>of(new Object[]{1L, 5_000_000_000L}));
            files.write(schema(ID, Column.of("n", DataType.INT16)), WriteMode.UPSERT, 2, List.<Object[]>of(new Object[]{2L, (short) 3}));

            assertThat(files.describe(T).column("n").orElseThrow().type()).isEqualTo(DataType.INT64);
            assertThat(files.read(T)).extracting(r -> r[1]).containsExactly(5_000_000_000L, 3L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPSERT", "APPEND", "CHANGES"})
    void anIncompatibleTypeChangeIsRefusedNamingTheColumnAndBothTypes(WriteMode mode) {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(schema(ID, Column.of("n", DataType.INT64)), WriteMode.UPSERT, 1, List.<Object[]>of(new Object[]{1L, 5L}));

            assertThatThrownBy(() -> files.writer(schema(ID, Column.of("n", DataType.DATE)), mode, 2, List.of()))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION))
                    .hasMessageContaining("column \"n\"").hasMessageContaining("int64").hasMessageContaining("date")
                    .hasMessageContaining("resync");
            // A replace rewrites the whole file, so any schema goes.
            files.write(schema(ID, Column.of("n", DataType.DATE)), WriteMode.REPLACE, 3, List.<Object[]>of(new Object[]{1L, LocalDate.EPOCH}));
            assertThat(files.read(T)).extracting(r -> r[1]).containsExactly(LocalDate.EPOCH);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void theLastRowOfAKeyWithinARunWins(String format) {
        StreamSchema schema = schema(ID, Column.of("v", DataType.STRING));
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(schema, WriteMode.UPSERT, 1, List.<Object[]>of(new Object[]{1L, "old"}, new Object[]{2L, "keep"}));
            try (StreamWriter w = files.writer(schema, WriteMode.UPSERT, 2, List.of())) {
                w.write(new RowBatch(schema, List.<Object[]>of(new Object[]{1L, "first"}, new Object[]{3L, "a"})));
                w.write(new RowBatch(schema, List.<Object[]>of(new Object[]{1L, "last"}, new Object[]{3L, "b"})));
                w.commit(FilesConnection.state(T, 2));
                assertThat(w.skippedRows()).as("the superseded rows of keys 1 and 3").isEqualTo(2);
            }
            assertThat(files.read(T)).extracting(r -> r[0], r -> r[1])
                    .containsExactly(tuple(2L, "keep"), tuple(1L, "last"), tuple(3L, "b"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void aRowWithoutAKeyIsRejectedAndTheOthersAreWritten(String format) {
        StreamSchema schema = schema(new Column("id", DataType.INT64, true, null), Column.of("v", DataType.STRING));
        try (FilesConnection files = FilesConnection.open(folder, format);
             StreamWriter w = files.writer(schema, WriteMode.UPSERT, 1, List.of())) {
            WriteResult result = w.write(new RowBatch(schema, List.<Object[]>of(new Object[]{null, "lost"}, new Object[]{1L, "ok"})));
            w.commit(FilesConnection.state(T, 1));

            assertThat(result.written()).isEqualTo(1);
            assertThat(result.rejected()).extracting(RejectedRow::reason).containsExactly("primary key column \"id\" is null");
            assertThat(files.read(T)).extracting(r -> r[1]).containsExactly("ok");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void appendingToAReplacedFileAddsTheSystemColumnsWithNullsForOlderRows(String format) {
        StreamSchema schema = schema(ID, Column.of("v", DataType.STRING));
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(schema, WriteMode.REPLACE, 1, List.<Object[]>of(new Object[]{1L, "a"}));
            try (StreamWriter w = files.writer(schema, WriteMode.APPEND, 2, List.of("id", "v"))) {
                WriteResult result = w.write(new RowBatch(schema, List.<Object[]>of(new Object[]{1L, "a"}, new Object[]{1L, "b"},
                        new Object[]{1L, "b"})));
                w.commit(FilesConnection.state(T, 2));
                assertThat(result.written()).isEqualTo(3);
                assertThat(w.skippedRows()).as("the row the file held and the repeat within the run").isEqualTo(2);
            }
            StreamSchema read = files.describe(T);
            assertThat(read.columnNames()).containsExactly("id", "v", SystemColumns.SYNCED_AT, SystemColumns.RUN_ID);
            assertThat(files.read(T)).extracting(r -> r[1], r -> r[3]).containsExactly(tuple("a", null), tuple("b", 2L));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void aResyncOfAnAppendFileStampsEveryRowWithTheReloadingRun(String format) {
        // The rows come from another history table, so they bring history columns of their own, which are replaced.
        StreamSchema upstream = schema(ID, Column.of("v", DataType.STRING), Column.of(SystemColumns.RUN_ID, DataType.INT64));
        try (FilesConnection files = FilesConnection.open(folder, format)) {
            files.write(schema(ID, Column.of("v", DataType.STRING)), WriteMode.APPEND, 1, List.<Object[]>of(new Object[]{1L, "old"}));
            try (StreamWriter w = files.destination.open(new WriteRequest(FilesConnection.syncKey(T), T, upstream, WriteMode.REPLACE, 9,
                    FilesConnection.NOW, List.of(), true))) {
                w.write(new RowBatch(upstream, List.<Object[]>of(new Object[]{1L, "a", 3L}, new Object[]{2L, "b", 4L})));
                w.commit(FilesConnection.state(T, 9));
            }
            StreamSchema read = files.describe(T);
            assertThat(read.columnNames()).containsExactly("id", "v", SystemColumns.SYNCED_AT, SystemColumns.RUN_ID);
            assertThat(read.column(SystemColumns.SYNCED_AT)).get().extracting(Column::type).isEqualTo(DataType.TIMESTAMPTZ);
            assertThat(files.read(T)).extracting(r -> r[1], r -> ((OffsetDateTime) r[2]).toInstant(), r -> r[3]).containsExactly(
                    tuple("a", FilesConnection.NOW, 9L), tuple("b", FilesConnection.NOW, 9L));
        }
    }
}
