package io.tidemark.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The store skips Flyway when the newest migration is applied: its idea of "newest" must match the files. */
class MigrationVersionTest {

    @Test
    void latestMigrationConstantMatchesTheNewestScriptOfEachDialect() throws IOException, URISyntaxException {
        for (String dialect : new String[]{"sqlite", "postgres"}) {
            Path folder = Path.of(MigrationVersionTest.class.getResource("/db/migration/" + dialect).toURI());
            try (Stream<Path> scripts = Files.list(folder)) {
                String newest = scripts.map(p -> p.getFileName().toString())
                        .filter(n -> n.matches("V[0-9.]+__.*\\.sql"))
                        .map(n -> n.substring(1, n.indexOf("__")))
                        .max(Comparator.comparing(v -> new java.math.BigDecimal(v.replaceFirst("\\.(?=.*\\.)", ""))))
                        .orElseThrow();
                assertThat(newest).as(dialect).isEqualTo(JdbcStateStore.LATEST_MIGRATION);
            }
        }
    }
}
