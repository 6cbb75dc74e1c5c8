package io.tidemark.connector.files;

import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What stays on disk when a run fails, is abandoned or is killed. */
class CrashSafetyTest {
    @TempDir
    Path folder;

    private static final StreamId ORDERS = new StreamId(null, "orders");
    private static final StreamSchema SCHEMA = new StreamSchema(ORDERS, List.of(new Column("id", DataType.INT64, false, null),
            Column.of("note", DataType.STRING), Column.of("seq", DataType.INT64)), List.of("id"), null);

    private static List<Object[]> rows(long from, long to) {
        List<Object[]> rows = new ArrayList<>();
        for (long id = from; id <= to; id++) rows.add(new Object[]{id, "note " + id, id * 10});
        return rows;
    }

    @ParameterizedTest
    @EnumSource(WriteMode.class)
    void aFullDiskKeepsTheOldFileAndState(WriteMode mode) throws Exception {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, rows(1, 3));
            Map<Path, byte[]> before = contents();
            // /dev/full accepts the open and fails every write with ENOSPC: a real full disk for this one file.
            Path temp = folder.resolve("orders.csv.tmp-2");
            Files.createSymbolicLink(temp, Path.of("/dev/full"));

            StreamWriter writer = files.writer(SCHEMA, mode, 2, List.of("id"));
            assertThatThrownBy(() -> {
                FilesConnection.send(writer, mode, SCHEMA, rows(2, 500));
                writer.commit(FilesConnection.state(ORDERS, 2));
            }).isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DISK_FULL))
                    .hasMessageContaining("no space left on the device writing " + temp)
                    .hasMessageContaining("free space");
            writer.close();

            assertThat(contents()).containsOnlyKeys(before.keySet());
            before.forEach((file, bytes) -> assertThat(folder.resolve(file)).hasBinaryContent(bytes));
            assertThat(files.read(ORDERS)).extracting(r -> r[0]).containsExactly(1L, 2L, 3L);
            assertThat(files.destination.committedState("sync_orders")).get().extracting(CommittedState::runId).isEqualTo(1L);
        }
    }

    @Test
    void theNextWriterOfAStreamRemovesTheTempFilesOfAKilledRun() throws Exception {
        for (String name : List.of("orders.csv.tmp-7", "orders.schema.json.tmp-7", "orders.csv.incoming.tmp-7", "other.csv.tmp-7",
                "orders.csv.csv.tmp-7")) {
            Files.writeString(folder.resolve(name), "half a file");
        }
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(SCHEMA, WriteMode.UPSERT, 8, rows(1, 2));
        }
        assertThat(contents().keySet()).extracting(Path::toString).containsExactlyInAnyOrder("orders.csv", "orders.schema.json",
                "_tidemark_state.json", "_tidemark_state.lock", "other.csv.tmp-7", "orders.csv.csv.tmp-7");
    }

    @ParameterizedTest
    @EnumSource(WriteMode.class)
    void closingWithoutCommitLeavesNoTempFiles(WriteMode mode) throws Exception {
        try (FilesConnection files = FilesConnection.open(folder, "jsonl")) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, rows(1, 3));
            Map<Path, byte[]> before = contents();
            try (StreamWriter writer = files.writer(SCHEMA, mode, 2, List.of("id"))) {
                FilesConnection.send(writer, mode, SCHEMA, rows(3, 9));
                assertThat(contents()).hasSizeGreaterThan(before.size());
            }
            assertThat(contents()).containsOnlyKeys(before.keySet());
        }
    }

    @Test
    void aReaderKeepsReadingTheFileItOpenedWhileAWriterReplacesIt() {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(SCHEMA, WriteMode.REPLACE, 1, rows(1, 250));
            List<Object> ids = new ArrayList<>();
            try (StreamReader reader = files.reader(ORDERS, Optional.of(new CursorWindow("seq", DataType.INT64, 20L)))) {
                RowBatch first = reader.next();
                files.write(SCHEMA, WriteMode.REPLACE, 2, rows(1000, 1001));
                assertThat(reader.cursorUpperBound()).contains(2500L);
                first.rows().forEach(r -> ids.add(r[0]));
                for (RowBatch b = reader.next(); b != null; b = reader.next()) b.rows().forEach(r -> ids.add(r[0]));
            }
            assertThat(ids).hasSize(249).startsWith(2L).endsWith(250L);
            assertThat(files.read(ORDERS)).extracting(r -> r[0]).containsExactly(1000L, 1001L);
        }
    }

    @Test
    void concurrentCommitsIntoOneFolderKeepEverySyncsState() throws Exception {
        int streams = 4;
        int runs = 10;
        try (FilesConnection files = FilesConnection.open(folder, "csv");
             ExecutorService pool = Executors.newFixedThreadPool(streams)) {
            List<Callable<Void>> syncs = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                StreamSchema schema = new StreamSchema(new StreamId(null, "t" + s), SCHEMA.columns(), SCHEMA.primaryKey(), null);
                syncs.add(() -> {
                    for (long run = 1; run <= runs; run++) files.write(schema, WriteMode.UPSERT, run, rows(run, run));
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(syncs)) done.get();

            for (int s = 0; s < streams; s++) {
                assertThat(files.destination.committedState("sync_t" + s)).get().extracting(CommittedState::runId).isEqualTo((long) runs);
            }
        }
    }

    private Map<Path, byte[]> contents() throws Exception {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.toList()) files.put(folder.relativize(p), Files.isSymbolicLink(p) ? new byte[0] : Files.readAllBytes(p));
        }
        return files;
    }
}
