package io.tidemark.connector.sqlite;

import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteResult;
import io.tidemark.jdbc.testing.DestinationWriteTest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared destination tests through SQLite's batch path, plus SQLite's own table handling. */
class SqliteWriteTest extends DestinationWriteTest {
    @Override protected ConnectorFactory factory() { return new SqliteConnectorFactory(); }
    @Override protected String fileName() { return "data.sqlite"; }
    @Override protected Connection connect(Path file) throws SQLException { return DriverManager.getConnection("jdbc:sqlite:" + file); }
    /** The driver hands back an integer that fits 32 bits as an {@code Integer}. */
    @Override protected Object storedInteger(long value) { return Math.toIntExact(value); }
    /** Decimals are stored as canonical text, padded to the column's scale. */
    @Override protected Object storedDecimal(String canonical) { return canonical; }
    /** SQLite sums text as doubles; two places of rounding give back the exact cents. */
    @Override protected String exactSumOfScores() { return "printf('%.2f', sum(score))"; }
    @Override protected String syncedAtIsNow() { return "_tidemark_synced_at = '2026-03-01T12:00:00'"; }
    @Override protected String createPeopleTable(String scoreType) {
        return "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, score " + scoreType + ")";
    }
    @Override protected String integerColumnDescription() { return "INTEGER (int64)"; }
    @Override protected String nativeDecimal10x2() { return "DECIMAL_TEXT(10,2)"; }

    @Test
    void anIntegerPrimaryKeyTableFromAnotherToolTakesUpsertsAndRefusesNullKeysRatherThanNumberingThem() throws Exception {
        execute(createPeopleTable("NUMERIC"));
        execute("INSERT INTO people VALUES (1, 'old', 1)");
        try (StreamWriter w = destination.open(request(people(), WriteMode.UPSERT, 1, List.of()))) {
            WriteResult result = w.write(new RowBatch(people(), List.of(new Object[]{1L, "new", new BigDecimal("2.25")},
                    new Object[]{null, "nobody", null})));
            assertThat(result.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo("primary key column id is null"));
            w.commit(new CommittedState("people_sync", 1, "c", NOW));
        }
        assertThat(query("SELECT id, name, score FROM people")).containsExactly(List.of(1, "new", 2.25));
    }

    @Test
    void aReplaceKeepsTheViewsOverTheTableWorking() throws Exception {
        write(people(), WriteMode.REPLACE, 1, List.of(List.<Object[]>of(new Object[]{1L, "ada", null})));
        execute("CREATE VIEW names AS SELECT name FROM people");

        write(people(), WriteMode.REPLACE, 2, List.of(List.<Object[]>of(new Object[]{2L, "bob", null})));

        assertThat(query("SELECT name FROM names")).containsExactly(List.of("bob"));
    }

    @Test
    void appendIndexesItsDedupColumnsSoThatSkippingHeldRowsDoesNotScan() throws Exception {
        StreamSchema schema = people();
        for (long run = 1; run <= 2; run++) {
            try (StreamWriter w = destination.open(request(schema, WriteMode.APPEND, run, List.of("id", "name")))) {
                w.write(new RowBatch(schema, List.<Object[]>of(new Object[]{1L, "a", null}, new Object[]{run, "run " + run, null})));
                w.commit(new CommittedState("people_sync", run, "c" + run, NOW));
            }
        }
        assertThat(query("SELECT id, name, _tidemark_run_id FROM people ORDER BY _tidemark_run_id, id")).containsExactly(
                List.of(1, "a", 1), List.of(1, "run 1", 1), List.of(2, "run 2", 2));
        assertThat(query("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'people'"))
                .containsExactly(List.of("_tidemark_dedup_people"));
    }
}
