package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Files that Tidemark did not write: no sidecar, types inferred, errors that point at the line to fix. */
class HandWrittenFilesTest {
    @TempDir
    Path folder;

    private static final StreamId PEOPLE = new StreamId(null, "people");

    @Test
    void csvWithoutSidecarIsDiscoveredWithInferredTypes() throws Exception {
        Files.writeString(folder.resolve("people.csv"), """
                id,score,active,born,seen_at,seen_utc,zip,note,big,mixed,empty
                1,9.5,true,1990-01-02,2026-01-02 03:04:05,2026-01-02T03:04:05Z,02134,"hello, world",12345678901234567890,1,
                2,,FALSE,1991-03-04,2026-01-03T00:00:00,2026-01-03T01:00:00+01:00,10001,,1,x,
                """);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            DiscoveredStream people = files.source.discover().getFirst();

            assertThat(people.schema().columns()).extracting(Column::name, c -> c.type().kind()).containsExactly(
                    tuple("id", DataType.Kind.INT64),
                    tuple("score", DataType.Kind.FLOAT64),
                    tuple("active", DataType.Kind.BOOLEAN),
                    tuple("born", DataType.Kind.DATE),
                    tuple("seen_at", DataType.Kind.TIMESTAMP),
                    tuple("seen_utc", DataType.Kind.TIMESTAMPTZ),
                    tuple("zip", DataType.Kind.STRING),
                    tuple("note", DataType.Kind.STRING),
                    tuple("big", DataType.Kind.STRING),
                    tuple("mixed", DataType.Kind.STRING),
                    tuple("empty", DataType.Kind.STRING));
            assertThat(people.schema().primaryKey()).isEmpty();
            assertThat(people.cursorCandidates()).containsExactly("id", "score", "born", "seen_at", "seen_utc");

            List<Object[]> rows = files.read(PEOPLE);
            assertThat(rows.get(0)).containsExactly(1L, 9.5, true, LocalDate.of(1990, 1, 2), LocalDateTime.of(2026, 1, 2, 3, 4, 5),
                    OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), "02134", "hello, world", "12345678901234567890", "1", null);
            assertThat(rows.get(1)).containsExactly(2L, null, false, LocalDate.of(1991, 3, 4), LocalDateTime.of(2026, 1, 3, 0, 0),
                    OffsetDateTime.of(2026, 1, 3, 0, 0, 0, 0, ZoneOffset.UTC), "10001", null, "1", "x", null);
            assertThat(files.source.describe(ModelSpec.table("people", PEOPLE, List.of("id"))).primaryKey()).containsExactly("id");
        }
    }

    @Test
    void aSpreadsheetExportWithByteOrderMarkAndCrlfLineEndsReadsCleanly() throws Exception {
        Files.write(folder.resolve("people.csv"), "\uFEFFid,name\r\n1,\"Ada\r\nLovelace\"\r\n2,bob\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThat(files.describe(PEOPLE).columnNames()).containsExactly("id", "name");
            assertThat(files.read(PEOPLE)).extracting(r -> r[0], r -> r[1])
                    .containsExactly(tuple(1L, "Ada\r\nLovelace"), tuple(2L, "bob"));
        }
    }

    @Test
    void jsonlWithoutSidecarTakesTypesFromJsonValues() throws Exception {
        Files.writeString(folder.resolve("people.jsonl"), """
                {"id": 1, "score": 2, "ok": true, "name": "ada", "tags": ["a", "b"], "big": 123456789012345678901234, "mixed": 1, "later": null}
                {"id": 2, "score": 2.5, "ok": false, "name": "bob", "tags": {"k": "v"}, "big": 1, "mixed": "one", "later": "x"}
                """);
        try (FilesConnection files = FilesConnection.open(folder, "jsonl")) {
            StreamSchema schema = files.describe(PEOPLE);

            assertThat(schema.columns()).extracting(Column::name, Column::type).containsExactly(
                    tuple("id", DataType.INT64),
                    tuple("score", DataType.FLOAT64),
                    tuple("ok", DataType.BOOLEAN),
                    tuple("name", DataType.STRING),
                    tuple("tags", DataType.JSON),
                    tuple("big", DataType.DECIMAL),
                    tuple("mixed", DataType.STRING),
                    tuple("later", DataType.STRING));
            List<Object[]> rows = files.read(PEOPLE);
            assertThat(rows.get(0)).containsExactly(1L, 2.0, true, "ada", "[\"a\",\"b\"]",
                    new java.math.BigDecimal("123456789012345678901234"), "1", null);
            assertThat(rows.get(1)[4]).isEqualTo("{\"k\":\"v\"}");
        }
    }

    @Test
    void aBadValueNamesTheFileTheLineAndTheColumn() throws Exception {
        // The quoted value spans lines 2-3, so the bad record starts on physical line 4.
        Files.writeString(folder.resolve("people.csv"), "id,note\n1,\"two\nlines\"\nabc,x\n");
        Files.writeString(folder.resolve("people.schema.json"), """
                {"formatVersion": 1, "columns": [{"name": "id", "kind": "int64"}, {"name": "note", "kind": "string", "nullable": true}]}
                """);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThatThrownBy(() -> files.read(PEOPLE))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SOURCE_DATA_INVALID))
                    .hasMessageContaining(folder.resolve("people.csv") + " line 4, column \"id\": value \"abc\" is not a valid int64");
        }
    }

    @Test
    void aValueBeyondTheInferenceSampleThatDoesNotFitNamesItsLine() throws Exception {
        String rows = IntStream.rangeClosed(1, 1000).mapToObj(Integer::toString).collect(Collectors.joining("\n"));
        Files.writeString(folder.resolve("people.csv"), "id\n" + rows + "\nnot-a-number\n");
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThat(files.describe(PEOPLE).columns().getFirst().type()).isEqualTo(DataType.INT64);
            assertThatThrownBy(() -> files.read(PEOPLE)).hasMessageContaining("people.csv line 1002, column \"id\"");
        }
    }

    @Test
    void jsonlErrorsNameTheLine() throws Exception {
        Files.writeString(folder.resolve("people.jsonl"), "{\"id\": 1}\n{\"id\": 2}\n{\"id\": \"three\"}\n");
        Files.writeString(folder.resolve("people.schema.json"), "{\"formatVersion\": 1, \"columns\": [{\"name\": \"id\", \"kind\": \"int32\"}]}");
        Files.writeString(folder.resolve("broken.jsonl"), "{\"id\": 1}\n{\"id\": 2,\n");
        try (FilesConnection files = FilesConnection.open(folder, "jsonl")) {
            assertThatThrownBy(() -> files.read(PEOPLE)).hasMessageContaining("people.jsonl line 3, column \"id\": value \"three\" is not a valid int32");
            assertThatThrownBy(() -> files.read(new StreamId(null, "broken")))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SOURCE_DATA_INVALID))
                    .hasMessageContaining("broken.jsonl line 3: not valid JSON");
        }
    }

    @Test
    void aCsvRecordWithTheWrongNumberOfFieldsNamesItsLine() throws Exception {
        Files.writeString(folder.resolve("people.csv"), "id,name\n1,ada\n2,bob,extra\n");
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThatThrownBy(() -> files.read(PEOPLE)).hasMessageContaining("people.csv line 3: has 3 fields but the header has 2");
        }
    }

    @Test
    void onlyFilesOfTheFormatAreStreams() throws Exception {
        for (String name : List.of("people.csv", "notes.txt", ".hidden.csv", "_tidemark_state.csv", "people.csv.tmp-5", "other.jsonl")) {
            Files.writeString(folder.resolve(name), "id\n1\n");
        }
        Files.createDirectories(folder.resolve("sales"));
        Files.writeString(folder.resolve("sales/orders.csv"), "id\n1\n");
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThat(files.source.discover()).extracting(s -> s.schema().id())
                    .containsExactly(new StreamId(null, "people"), new StreamId("sales", "orders"));
        }
    }

    @Test
    void upsertIntoAHandWrittenFileKeepsItsRowsAndAddsASidecar() throws Exception {
        Files.writeString(folder.resolve("people.csv"), "id,name\n1,ada\n2,bob\n");
        StreamSchema incoming = new StreamSchema(PEOPLE, List.of(Column.of("id", DataType.INT64), Column.of("name", DataType.STRING)),
                List.of("id"), null);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(incoming, WriteMode.UPSERT, 1, List.<Object[]>of(new Object[]{2L, "bea"}, new Object[]{3L, "cy"}));

            assertThat(files.read(PEOPLE)).extracting(r -> r[0], r -> r[1]).containsExactly(
                    tuple(1L, "ada"), tuple(2L, "bea"),
                    tuple(3L, "cy"));
            assertThat(folder.resolve("people.schema.json")).exists();
        }
    }
}
