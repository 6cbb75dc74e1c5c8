package io.tidemark.connector.duckdb;

import io.tidemark.api.Column;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.jdbc.testing.WideningWriteTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared widening tests on DuckDB, which alters a column's type in place except where a key, a constraint or an
 * index depends on it: then the table is rebuilt (the upsert and changes tables here are keyed by the widened id).
 */
class DuckDbWideningTest extends WideningWriteTest {
    @Override protected ConnectorFactory factory() { return new DuckDbConnectorFactory(); }
    @Override protected String fileName() { return "warehouse.duckdb"; }
    @Override protected Connection connect(Path file) throws SQLException { return DuckDbDatabase.open(file); }
    @Override protected Object storedInteger(long value) { return value; }

    /** The writers' connections are duplicates of the destination's, which take the database's global settings. */
    @Override
    protected void runSessionsFarFromUtc() throws SQLException {
        execute("SET GLOBAL TimeZone = 'America/New_York'");
    }

    @Test
    void aTableWithAnIndexIsRebuiltWithTheIndex() throws Exception {
        write(NARROW, WriteMode.APPEND, 1, OLD_ROW);
        execute("CREATE INDEX measures_by_name ON measures (name)");

        write(WIDE, WriteMode.APPEND, 2, WIDE_ROW);

        assertThat(query("SELECT data_type FROM information_schema.columns WHERE table_name = 'measures' ORDER BY ordinal_position"))
                .startsWith(List.of("BIGINT"), List.of("VARCHAR"), List.of("DECIMAL(20,4)"), List.of("TIMESTAMP WITH TIME ZONE"), List.of("DOUBLE"));
        assertThat(query("SELECT index_name FROM duckdb_indexes() WHERE table_name = 'measures'")).containsExactly(List.of("measures_by_name"));
        assertThat(query("SELECT count(*) FROM measures WHERE name = 'short'")).containsExactly(List.of(1L));
    }

    @Test
    void aNanosecondTimestampIsNotWidenedToMicrosecondsWithTimeZone() throws Exception {
        execute("CREATE TABLE measures (id BIGINT PRIMARY KEY, \"at\" TIMESTAMP_NS)");
        StreamSchema instants = new StreamSchema(MEASURES, List.of(new Column("id", DataType.INT64, false, null),
                Column.of("at", DataType.TIMESTAMPTZ)), List.of("id"), null);

        assertThatThrownBy(() -> open(instants, WriteMode.UPSERT, 1)).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
            assertThat(e.getMessage()).contains("column at of main.measures is TIMESTAMP_NS (timestamp) but the sync writes timestamptz");
        });
    }
}
