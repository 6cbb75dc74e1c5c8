package io.tidemark.jdbc.testing;

import io.tidemark.api.CommittedState;
import io.tidemark.api.Destination;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A writer's process killed with SIGKILL mid-load leaves the old data and the old state, and the next run works. */
public abstract class KilledWriterTest extends FileDatabaseTest {

    /** A query listing the shadow tables ({@code _tidemark_shadow%}) left in the file. */
    protected abstract String shadowTablesQuery();

    /** Checks that the next writer removed what the killed one left outside the database; only some connectors leave anything. */
    protected void assertNothingLeftBehindBy(long killedPid) throws Exception {}

    @ParameterizedTest
    @EnumSource(WriteMode.class)
    void aKilledWriterLeavesTheOldDataAndStateAndTheNextRunSucceeds(WriteMode mode) throws Exception {
        try (Destination destination = factory().openDestination(config(), context())) {
            commit(destination, mode, 1, List.<Object[]>of(new Object[]{1L, "committed"}));
        }

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), KilledWriter.class.getName(),
                factory().getClass().getName(), file().toString(), mode.name()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine()).isEqualTo("written");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        try (Destination destination = factory().openDestination(config(), context())) {
            assertThat(destination.committedState("orders_sync")).get().extracting(CommittedState::checkpoint).isEqualTo("run 1");
            assertThat(query("SELECT id, note FROM orders")).containsExactly(List.of(storedInteger(1), "committed"));
            assertThat(query(shadowTablesQuery())).isEmpty();
            commit(destination, mode, 3, List.<Object[]>of(new Object[]{2L, "after the crash"}));
            assertThat(destination.committedState("orders_sync")).get().extracting(CommittedState::checkpoint).isEqualTo("run 3");
        }
        assertNothingLeftBehindBy(child.pid());
    }

    private static void commit(Destination destination, WriteMode mode, long runId, List<Object[]> rows) {
        try (StreamWriter w = destination.open(new WriteRequest("orders_sync", KilledWriter.SCHEMA.id(), KilledWriter.SCHEMA, mode, runId,
                NOW, List.of("id")))) {
            Writes.send(w, mode, new RowBatch(KilledWriter.SCHEMA, rows));
            w.commit(new CommittedState("orders_sync", runId, "run " + runId, NOW));
        }
    }
}
