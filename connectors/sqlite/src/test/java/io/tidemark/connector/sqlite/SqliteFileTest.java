package io.tidemark.connector.sqlite;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** What a user meets when the path is wrong: each problem named, with its fix. */
class SqliteFileTest {
    @TempDir
    Path workDir;

    private ConnectorConfig config(String path) {
        return new ConnectorConfig("db", new SqliteConnectorFactory().configSpec(), Map.of("path", path));
    }

    private ConnectorContext context() { return new ConnectorContext(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), workDir); }

    @Test
    void aFileThatIsNotADatabaseIsReportedByCheckAndOnUse() throws Exception {
        Files.writeString(workDir.resolve("notes.sqlite"), "these are my notes, not a database\n".repeat(100));
        try (Source source = new SqliteConnectorFactory().openSource(config("notes.sqlite"), context())) {
            assertThat(source.check().problems()).singleElement().satisfies(p -> {
                assertThat(p.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                assertThat(p.message()).contains("notes.sqlite", "file is not a database");
                assertThat(p.fix()).contains("point path at a SQLite database file");
            });
            assertThatThrownBy(() -> source.describe(ModelSpec.table("t", new StreamId(null, "t"), List.of())))
                    .isInstanceOf(TidemarkException.class).hasMessageContaining("file is not a database")
                    .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
        }
    }

    @Test
    void aMissingFolderAndAFolderInPlaceOfTheFileAreReportedTogether() throws Exception {
        Files.createDirectory(workDir.resolve("data.sqlite"));
        try (Destination missing = new SqliteConnectorFactory().openDestination(config("nowhere/data.sqlite"), context());
             Destination folder = new SqliteConnectorFactory().openDestination(config("data.sqlite"), context())) {
            assertThat(missing.check().problems()).extracting(Problem::code, Problem::fix)
                    .containsExactly(tuple(ErrorCode.CONFIG_INVALID, "create the folder or fix the connection's path"));
            assertThat(folder.check().problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("is a folder"));
        }
        assertThat(workDir.resolve("nowhere")).doesNotExist();
    }

    @Test
    void aRelativePathResolvesAgainstTheWorkspaceAndAFreshFileChecksClean() {
        try (Destination destination = new SqliteConnectorFactory().openDestination(config("data.sqlite"), context())) {
            assertThat(destination.check().problems()).isEmpty();
            assertThat(destination.committedState("any")).isEmpty();
        }
        assertThat(workDir.resolve("data.sqlite")).exists();
    }
}
