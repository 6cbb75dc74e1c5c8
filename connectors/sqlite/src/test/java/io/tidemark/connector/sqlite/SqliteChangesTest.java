package io.tidemark.connector.sqlite;

import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.DataType;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.jdbc.testing.ChangesWriteTest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared changes tests on SQLite, where a call runs in a savepoint that a refused statement rolls back. */
class SqliteChangesTest extends ChangesWriteTest {
    @Override protected ConnectorFactory factory() { return new SqliteConnectorFactory(); }
    @Override protected String fileName() { return "data.sqlite"; }
    @Override protected Connection connect(Path file) throws SQLException { return DriverManager.getConnection("jdbc:sqlite:" + file); }
    @Override protected Object storedInteger(long value) { return Math.toIntExact(value); }

    @Test
    void aUniqueViolationOnAnotherColumnIsRefusedWithSqlitesReasonAndTheWriterGoesOn() throws Exception {
        execute("CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT UNIQUE)");
        execute("INSERT INTO users VALUES (1, 'ada@example.com')");
        StreamSchema users = new StreamSchema(new StreamId(null, "users"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("email", DataType.STRING)), List.of("id"), null);
        try (StreamWriter w = changes(users)) {
            w.apply(change(ChangeOp.INSERT, users, new Object[]{2L, "bob@example.com"}));
            assertRefused(() -> w.apply(change(ChangeOp.UPSERT, users, new Object[]{3L, "cy@example.com"}, new Object[]{2L, "ada@example.com"})),
                    "applying 2 upsert changes to main.users failed", "UNIQUE constraint failed: users.email");
            assertThat(w.apply(change(ChangeOp.UPSERT, users, new Object[]{3L, "cy@example.com"})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT id, email FROM users ORDER BY id")).containsExactly(List.of(1L, "ada@example.com"),
                List.of(2L, "bob@example.com"), List.of(3L, "cy@example.com"));
    }

    /** SQLite would store any text in the column; the declared precision is enforced by Tidemark alone. */
    @Test
    void aDecimalTextColumnTakesOnlyWhatItsDeclaredPrecisionHolds() throws Exception {
        StreamSchema prices = new StreamSchema(new StreamId(null, "prices"), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("amount", DataType.decimal(4, 2))), List.of("id"), null);
        try (StreamWriter w = changes(prices)) {
            assertRefused(() -> w.apply(change(ChangeOp.INSERT, prices, new Object[]{1L, new BigDecimal("1.005")})),
                    "the record with key id=1: value 1.005 of column amount does not fit its destination type decimal(4,2) without rounding");
            assertThat(w.apply(change(ChangeOp.INSERT, prices, new Object[]{1L, new BigDecimal("12.5")})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(query("SELECT amount, typeof(amount) FROM prices")).containsExactly(List.of("12.50", "text"));
    }
}
