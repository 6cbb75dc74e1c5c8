package io.tidemark.connector.sqlite;

import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.DataType;
import io.tidemark.api.WriteMode;
import io.tidemark.jdbc.testing.WideningWriteTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared widening tests on SQLite, which cannot alter a column's type: the table is rebuilt, so that its declared
 * types (what a reader decodes by) say what it holds.
 */
class SqliteWideningTest extends WideningWriteTest {
    @Override protected ConnectorFactory factory() { return new SqliteConnectorFactory(); }
    @Override protected String fileName() { return "data.sqlite"; }
    @Override protected Connection connect(Path file) throws SQLException { return DriverManager.getConnection("jdbc:sqlite:" + file); }
    @Override protected Object storedInteger(long value) { return Math.toIntExact(value); }

    @Test
    void theRebuiltTableDeclaresTheWiderTypesAndRespellsDecimalsToTheirNewScale() throws Exception {
        write(NARROW, WriteMode.UPSERT, 1, OLD_ROW);

        write(WIDE, WriteMode.UPSERT, 2, WIDE_ROW);

        assertThat(query("SELECT name, type, pk FROM pragma_table_info('measures') ORDER BY cid")).containsExactly(List.of("id", "BIGINT", 1),
                List.of("name", "TEXT", 0), List.of("amount", "DECIMAL_TEXT(20,4)", 0), List.of("at", "TIMESTAMPTZ", 0), List.of("ratio", "DOUBLE", 0));
        assertThat(query("SELECT amount, typeof(amount), at FROM measures WHERE id = 7"))
                .containsExactly(List.of("12.5000", "text", "2026-01-01T10:00:00"));
        assertThat(query("SELECT name FROM sqlite_schema WHERE name LIKE '%rebuild%'")).isEmpty();
    }

    @Test
    void aTextColumnAnotherToolDeclaredTakesLongerStringsAsItIsWithoutARebuild() throws Exception {
        execute("CREATE TABLE measures (id BIGINT PRIMARY KEY, name NVARCHAR(10), amount DECIMAL_TEXT(10,2), at TIMESTAMP, ratio FLOAT)");
        execute("INSERT INTO measures VALUES (1, 'short', '1.00', '2026-01-01T00:00:00', 0.5)");

        write(measures(DataType.INT64, DataType.STRING, DataType.decimal(10, 2), DataType.TIMESTAMP, DataType.FLOAT32), WriteMode.UPSERT, 2,
                new Object[]{8L, "a name much longer than ten characters", null, null, null});

        assertThat(query("SELECT type FROM pragma_table_info('measures') WHERE name = 'name'")).containsExactly(List.of("NVARCHAR(10)"));
        assertThat(query("SELECT name FROM measures WHERE id = 8")).containsExactly(List.of("a name much longer than ten characters"));
    }

    @Test
    void theRebuildKeepsTheDedupIndexAndTheUsersTriggers() throws Exception {
        write(NARROW, WriteMode.APPEND, 1, OLD_ROW);
        execute("CREATE TABLE audit (note TEXT)");
        execute("CREATE TRIGGER measured AFTER INSERT ON measures BEGIN INSERT INTO audit VALUES (new.name); END");

        write(WIDE, WriteMode.APPEND, 2, WIDE_ROW);

        assertThat(query("SELECT type, name FROM sqlite_schema WHERE tbl_name = 'measures' ORDER BY type, name")).containsExactly(
                List.of("index", "_tidemark_dedup_measures"), List.of("table", "measures"), List.of("trigger", "measured"));
        assertThat(query("SELECT note FROM audit")).containsExactly(List.of("a name much longer than ten characters"));
    }
}
