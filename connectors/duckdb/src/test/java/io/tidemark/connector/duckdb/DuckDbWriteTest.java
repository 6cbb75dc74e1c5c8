package io.tidemark.connector.duckdb;

import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.Destination;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.jdbc.JdbcDestination;
import io.tidemark.jdbc.testing.DestinationWriteTest;
import io.tidemark.jdbc.testing.Writes;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared destination tests through DuckDB's staged-file bulk path, plus DuckDB's own table handling. */
class DuckDbWriteTest extends DestinationWriteTest {
    /** Small enough that a 200k-row load spools and loads many files in one transaction. */
    private static final long SMALL_SPOOL = 1 << 20;

    @Override protected ConnectorFactory factory() { return new DuckDbConnectorFactory(); }
    @Override protected String fileName() { return "warehouse.duckdb"; }
    @Override protected Connection connect(Path file) throws SQLException { return DuckDbDatabase.open(file); }
    @Override protected Object storedInteger(long value) { return value; }
    @Override protected Object storedDecimal(String canonical) { return new BigDecimal(canonical); }
    @Override protected String exactSumOfScores() { return "sum(score)"; }
    @Override protected String syncedAtIsNow() { return "_tidemark_synced_at = TIMESTAMPTZ '2026-03-01 12:00:00+00'"; }
    @Override protected String createPeopleTable(String scoreType) {
        return "CREATE TABLE people (id BIGINT PRIMARY KEY, name VARCHAR, score " + scoreType + ")";
    }
    @Override protected String integerColumnDescription() { return "INTEGER (int32)"; }
    @Override protected String nativeDecimal10x2() { return "DECIMAL(10,2)"; }

    @Override
    protected Destination openDestination() {
        DuckDbDatabase db = DuckDbDatabase.of(config(), context());
        return new JdbcDestination(db, CsvStagingLoader.factory(db.dialect(), SMALL_SPOOL));
    }

    @Test
    void aWiderExistingColumnTakesNarrowerValues() throws Exception {
        execute(createPeopleTable("DECIMAL(18,4)"));
        write(people(), WriteMode.UPSERT, 1, List.of(List.<Object[]>of(new Object[]{1L, "ada", new BigDecimal("12.50")})));
        assertThat(query("SELECT score FROM people")).containsExactly(List.of(new BigDecimal("12.5000")));
    }

    @Test
    void closingWithoutCommitLeavesNoShadowOrStagingTableBehind() throws Exception {
        StreamSchema schema = people();
        for (WriteMode mode : WriteMode.values()) {
            try (StreamWriter w = destination.open(request(schema, mode, 1, List.of("id")))) {
                Writes.send(w, mode, new RowBatch(schema, List.<Object[]>of(new Object[]{1L, "a", null})));
            }
        }
        assertThat(query("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%tidemark%' AND table_name <> '_tidemark_state'")).isEmpty();
    }
}
