package io.tidemark.connector.duckdb;

import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.jdbc.testing.ChangesWriteTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The shared changes tests on DuckDB, which aborts its transaction on any failed statement: every refusal below is
 * found before a statement runs, and the writer goes on; what cannot be found ahead stops the run cleanly.
 */
class DuckDbChangesTest extends ChangesWriteTest {
    @Override protected ConnectorFactory factory() { return new DuckDbConnectorFactory(); }
    @Override protected String fileName() { return "warehouse.duckdb"; }
    @Override protected Connection connect(Path file) throws SQLException { return DuckDbDatabase.open(file); }
    @Override protected Object storedInteger(long value) { return value; }

    private static final StreamSchema EVENTS = new StreamSchema(new StreamId(null, "events"), List.of(
            new Column("id", DataType.INT64, false, null), Column.of("at", DataType.TIMESTAMP), Column.of("doc", DataType.JSON)),
            List.of("id"), null);

    @Test
    void aMalformedJsonDocumentIsRefusedAndTheWriterGoesOn() throws Exception {
        try (StreamWriter w = changes(EVENTS)) {
            assertRefused(() -> w.apply(change(ChangeOp.UPSERT, EVENTS, new Object[]{1L, null, "{\"a\": 1}"},
                    new Object[]{2L, null, "{\"a\":"})), "key id=2", "column doc is not valid JSON");
            assertThat(w.apply(change(ChangeOp.UPSERT, EVENTS, new Object[]{1L, null, "{\"a\": 1}"})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT id, CAST(doc AS VARCHAR) FROM events")).containsExactly(List.of(1L, "{\"a\": 1}"));
    }

    @Test
    void aTimestampBeyondTheYearsDuckDbLoadsIsRefusedAndTheWriterGoesOn() throws Exception {
        LocalDateTime latest = LocalDateTime.of(9999, 12, 31, 23, 59, 59);
        try (StreamWriter w = changes(EVENTS)) {
            assertRefused(() -> w.apply(change(ChangeOp.INSERT, EVENTS, new Object[]{1L, LocalDateTime.MAX, null})),
                    "key id=1", "value +999999999-12-31T23:59:59.999999999 of column at is not within the years -9999 to 9999");
            assertThat(w.apply(change(ChangeOp.INSERT, EVENTS, new Object[]{1L, latest, null})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(query("SELECT \"at\" FROM events")).containsExactly(List.of(Timestamp.valueOf(latest)));
    }

    @Test
    void aCheckThatFailsToEvaluateRefusesTheRecordRatherThanAbortingTheRun() throws Exception {
        execute("CREATE TABLE ratios (id BIGINT PRIMARY KEY, d INTEGER CHECK (100 // d > 0))");
        StreamSchema ratios = new StreamSchema(new StreamId(null, "ratios"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("d", DataType.INT32)), List.of("id"), null);
        try (StreamWriter w = changes(ratios)) {
            assertRefused(() -> w.apply(change(ChangeOp.UPSERT, ratios, new Object[]{1L, 0})), "key id=1", "CHECK");
            assertThat(w.apply(change(ChangeOp.UPSERT, ratios, new Object[]{1L, 5})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT id, d FROM ratios")).containsExactly(List.of(1L, 5L));
    }

    @Test
    void aUniqueViolationOnAnotherColumnStopsTheRunAndNothingOfItIsApplied() throws Exception {
        execute("CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR UNIQUE)");
        execute("INSERT INTO users VALUES (1, 'ada@example.com')");
        StreamSchema users = new StreamSchema(new StreamId(null, "users"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("email", DataType.STRING)), List.of("id"), null);
        try (StreamWriter w = changes(users)) {
            w.apply(change(ChangeOp.INSERT, users, new Object[]{2L, "bob@example.com"}));
            TidemarkException stopped = catchThrowableOfType(TidemarkException.class,
                    () -> w.apply(change(ChangeOp.INSERT, users, new Object[]{3L, "ada@example.com"})));
            assertThat(stopped.errorCode()).as("not a refusal the engine could split around").isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
            assertThat(stopped).hasMessageContaining("ada@example.com").hasMessageContaining("nothing of this run is applied");
            assertThatThrownBy(() -> w.apply(change(ChangeOp.INSERT, users, new Object[]{4L, "cy@example.com"}))).isSameAs(stopped);
            assertThatThrownBy(() -> commit(w)).isSameAs(stopped);
        }
        assertThat(rows("SELECT id, email FROM users")).containsExactly(List.of(1L, "ada@example.com"));
    }

    @Test
    void aTruncateRefusedByAForeignKeyStopsTheRunAndNothingOfItIsApplied() throws Exception {
        execute(PEOPLE_DDL);
        execute("CREATE TABLE visits (person BIGINT REFERENCES people (id))");
        execute("INSERT INTO people (id, name) VALUES (1, 'ada')");
        execute("INSERT INTO visits VALUES (1)");
        try (StreamWriter w = changes(PEOPLE)) {
            w.apply(change(ChangeOp.INSERT, PEOPLE, new Object[]{2L, "bob", null, null}));
            TidemarkException stopped = catchThrowableOfType(TidemarkException.class, w::truncate);
            assertThat(stopped.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
            assertThat(stopped).hasMessageContaining("removing every record of main.people").hasMessageContaining("nothing of this run is applied");
            assertThatThrownBy(() -> commit(w)).isSameAs(stopped);
        }
        assertThat(rows("SELECT id, name FROM people")).containsExactly(List.of(1L, "ada"));
    }
}
