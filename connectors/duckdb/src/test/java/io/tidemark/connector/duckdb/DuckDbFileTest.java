package io.tidemark.connector.duckdb;

import io.tidemark.api.CheckReport;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.Destination;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.Problem;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** What a user meets when the path is wrong: each problem named, with its fix. */
class DuckDbFileTest {
    @TempDir
    Path workDir;

    private ConnectorConfig config(String path) {
        return new ConnectorConfig("wh", new DuckDbConnectorFactory().configSpec(), Map.of("path", path));
    }

    private ConnectorContext context() { return new ConnectorContext(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), workDir); }

    @Test
    void aFileThatIsNotADuckDbDatabaseIsReportedByCheckAndOnUse() throws Exception {
        Files.writeString(workDir.resolve("notes.duckdb"), "these are my notes, not a database\n".repeat(100));
        try (Source source = new DuckDbConnectorFactory().openSource(config("notes.duckdb"), context())) {
            assertThat(source.check().problems()).singleElement().satisfies(p -> {
                assertThat(p.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                assertThat(p.message()).contains("notes.duckdb", "not a valid DuckDB database");
                assertThat(p.fix()).contains("point path at a DuckDB database file");
            });
            assertThatThrownBy(() -> source.describe(ModelSpec.table("t", new StreamId(null, "t"), List.of())))
                    .isInstanceOf(TidemarkException.class).hasMessageContaining("not a valid DuckDB database");
        }
    }

    @Test
    void aMissingFolderIsReportedWithoutCreatingAnything() {
        try (Destination destination = new DuckDbConnectorFactory().openDestination(config("nowhere/warehouse.duckdb"), context())) {
            CheckReport report = destination.check();
            assertThat(report.problems()).extracting(Problem::code, Problem::fix)
                    .containsExactly(tuple(ErrorCode.CONFIG_INVALID, "create the folder or fix the connection's path"));
        }
        assertThat(workDir.resolve("nowhere")).doesNotExist();
    }

    @Test
    void aRelativePathResolvesAgainstTheWorkspaceAndAFreshFileChecksClean() {
        try (Destination destination = new DuckDbConnectorFactory().openDestination(config("warehouse.duckdb"), context())) {
            assertThat(destination.check().problems()).isEmpty();
            assertThat(destination.committedState("any")).isEmpty();
        }
        assertThat(workDir.resolve("warehouse.duckdb")).exists();
    }

    @Test
    void aFileLockedByAnotherProcessIsReportedWithTheFix() throws Exception {
        Path file = workDir.resolve("warehouse.duckdb");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("holding");
            try (Destination destination = new DuckDbConnectorFactory().openDestination(config("warehouse.duckdb"), context())) {
                assertThat(destination.check().problems()).singleElement().satisfies(p -> {
                    assertThat(p.code()).isEqualTo(ErrorCode.IO_ERROR);
                    assertThat(p.message()).contains("lock");
                    assertThat(p.fix()).contains("close other programs using warehouse.duckdb");
                });
                assertThatThrownBy(() -> destination.committedState("any")).isInstanceOf(TidemarkException.class)
                        .hasMessageContaining("close other programs using warehouse.duckdb");
            }
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(10, TimeUnit.SECONDS)) holder.destroyForcibly();
        }
    }
}
