package io.tidemark.jdbc.testing;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keyed changes ({@link WriteMode#CHANGES}) into tables that users made themselves, with their own constraints, and
 * into keys of several columns and of text and UUID types: what the connector acceptance suite does not reach. Every
 * table here is created with DDL both file databases run unchanged.
 */
public abstract class ChangesWriteTest extends FileDatabaseTest {
    /** A user's table: NOT NULL without a default, a CHECK, a declared decimal precision, and a defaulted NOT NULL column. */
    protected static final String PEOPLE_DDL = "CREATE TABLE people (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
            + "age INTEGER CHECK (age >= 0), score DECIMAL(5,2), nick TEXT NOT NULL DEFAULT 'none')";
    /** The columns of {@link #PEOPLE_DDL} a sync sets: all but {@code nick}; {@code age} narrower than the table's. */
    protected static final StreamSchema PEOPLE = new StreamSchema(new StreamId(null, "people"), List.of(
            new Column("id", DataType.INT64, false, null), Column.of("name", DataType.STRING), Column.of("age", DataType.INT16),
            Column.of("score", DataType.decimal(5, 2))), List.of("id"), null);

    protected Destination destination;

    @BeforeEach
    void open() { destination = factory().openDestination(config(), context()); }

    @AfterEach
    void close() { destination.close(); }

    protected final StreamWriter changes(StreamSchema schema) {
        return destination.open(new WriteRequest("changes_sync", schema.id(), schema, WriteMode.CHANGES, 1, NOW, List.of()));
    }

    protected static ChangeBatch change(ChangeOp op, StreamSchema rows, Object[]... values) {
        return new ChangeBatch(op, new RowBatch(rows, List.of(values)));
    }

    /** {@code schema}'s columns {@code names}, keyed as {@code schema}. */
    protected static StreamSchema project(StreamSchema schema, String... names) {
        return new StreamSchema(schema.id(), Arrays.stream(names).map(n -> schema.column(n).orElseThrow()).toList(),
                schema.primaryKey(), null);
    }

    protected static void commit(StreamWriter writer) {
        writer.commit(new CommittedState("changes_sync", 1, "c1", NOW));
    }

    /** Rows of {@code sql} with integers as longs: drivers differ in handing back Integer or Long. */
    protected final List<List<Object>> rows(String sql) throws SQLException {
        return query(sql).stream().map(row -> row.stream().map(v -> v instanceof Integer i ? (Object) i.longValue() : v).toList()).toList();
    }

    /** Asserts that {@code call} is refused as a whole: a destination rejection whose message has {@code parts}. */
    protected static void assertRefused(ThrowingCallable call, String... parts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.DESTINATION_REJECTED);
            assertThat(e.getMessage()).contains(parts);
        });
    }

    @Test
    void aNullForANotNullColumnIsRefusedNamingTheColumnAndTheWriterGoesOn() throws Exception {
        execute(PEOPLE_DDL);
        execute("INSERT INTO people (id, name, age) VALUES (1, 'ada', 36)");
        StreamSchema name = project(PEOPLE, "id", "name");
        try (StreamWriter w = changes(PEOPLE)) {
            assertRefused(() -> w.apply(change(ChangeOp.UPDATE, name, new Object[]{1L, null})), "key id=1", "column name", "NOT NULL");
            assertThat(w.apply(change(ChangeOp.UPDATE, name, new Object[]{1L, "ada lovelace"})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT id, name FROM people")).containsExactly(List.of(1L, "ada lovelace"));
    }

    @Test
    void aNewRecordWithoutAValueForANotNullColumnIsRefusedWhileTheSameColumnsUpdateAnExistingOne() throws Exception {
        execute(PEOPLE_DDL);
        execute("INSERT INTO people (id, name, age) VALUES (1, 'ada', 36)");
        StreamSchema age = project(PEOPLE, "id", "age");
        try (StreamWriter w = changes(PEOPLE)) {
            assertRefused(() -> w.apply(change(ChangeOp.UPSERT, age, new Object[]{1L, (short) 37}, new Object[]{2L, (short) 5})), "name");
            assertThat(w.apply(change(ChangeOp.UPSERT, age, new Object[]{1L, (short) 37})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT id, name, age FROM people")).containsExactly(List.of(1L, "ada", 37L));
    }

    @Test
    void aNewRecordLeavingOutANotNullColumnWithADefaultGetsTheDefault() throws Exception {
        execute(PEOPLE_DDL);
        try (StreamWriter w = changes(PEOPLE)) {
            assertThat(w.apply(change(ChangeOp.INSERT, PEOPLE, new Object[]{3L, "cy", (short) 1, new BigDecimal("1.50")})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT id, name, age, nick FROM people")).containsExactly(List.of(3L, "cy", 1L, "none"));
    }

    @Test
    void aCheckViolationIsRefusedWithTheConstraintAndNothingOfTheCallIsApplied() throws Exception {
        execute(PEOPLE_DDL);
        execute("INSERT INTO people (id, name, age) VALUES (1, 'ada', 36)");
        try (StreamWriter w = changes(PEOPLE)) {
            assertRefused(() -> w.apply(change(ChangeOp.UPSERT, PEOPLE, new Object[]{4L, "dee", (short) 40, null},
                    new Object[]{1L, "ada", (short) -1, null})), "age >= 0");
            assertThat(w.apply(change(ChangeOp.UPSERT, PEOPLE, new Object[]{4L, "dee", (short) 40, null})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT id, age FROM people ORDER BY id")).containsExactly(List.of(1L, 36L), List.of(4L, 40L));
    }

    @Test
    void aDecimalBeyondThePrecisionTheExistingColumnDeclaresIsRefused() throws Exception {
        execute(PEOPLE_DDL);
        execute("INSERT INTO people (id, name) VALUES (1, 'ada')");
        StreamSchema score = project(PEOPLE, "id", "score");
        try (StreamWriter w = changes(PEOPLE)) {
            assertRefused(() -> w.apply(change(ChangeOp.UPDATE, score, new Object[]{1L, new BigDecimal("1234.5")})),
                    "value 1234.5 of column score does not fit its destination type decimal(5,2)");
            assertThat(w.apply(change(ChangeOp.UPDATE, score, new Object[]{1L, new BigDecimal("999.99")})).written()).isEqualTo(1);
            commit(w);
        }
        assertThat(query("SELECT CAST(score AS TEXT) FROM people")).containsExactly(List.of("999.99"));
    }

    @Test
    void compositeKeysMatchOnEveryKeyColumnAndRejectedKeysComeInKeyOrder() throws Exception {
        StreamSchema stock = new StreamSchema(new StreamId(null, "stock"), List.of(new Column("id", DataType.INT64, false, null),
                new Column("region", DataType.STRING, false, null), Column.of("note", DataType.STRING)), List.of("region", "id"), null);
        try (StreamWriter w = changes(stock)) {
            w.apply(change(ChangeOp.INSERT, stock, new Object[]{1L, "eu", "a"}, new Object[]{1L, "us", "b"}));
            WriteResult insert = w.apply(change(ChangeOp.INSERT, stock, new Object[]{1L, "eu", "again"}, new Object[]{2L, "eu", "c"}));
            assertThat(insert.written()).isEqualTo(1);
            assertThat(insert.rejected()).containsExactly(new RejectedRow(List.of("eu", 1L), "a record with key region=eu, id=1 already exists"));
            WriteResult update = w.apply(change(ChangeOp.UPDATE, stock, new Object[]{1L, "us", "b2"}, new Object[]{3L, "us", "x"}));
            assertThat(update.written()).isEqualTo(1);
            assertThat(update.rejected()).containsExactly(new RejectedRow(List.of("us", 3L), "no record with key region=us, id=3 (not found)"));
            WriteResult delete = w.apply(change(ChangeOp.DELETE, project(stock, "id", "region"), new Object[]{1L, "eu"}, new Object[]{9L, "eu"}));
            assertThat(delete.deleted()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT region, id, note FROM stock ORDER BY region, id")).containsExactly(
                List.of("eu", 2L, "c"), List.of("us", 1L, "b2"));
    }

    @Test
    void textKeysMatchExactlyAndUuidKeysMatchByValue() throws Exception {
        StreamSchema tags = new StreamSchema(new StreamId(null, "tags"), List.of(new Column("tag", DataType.STRING, false, null),
                Column.of("uses", DataType.INT64)), List.of("tag"), null);
        StreamSchema devices = new StreamSchema(new StreamId(null, "devices"), List.of(new Column("id", DataType.UUID_TYPE, false, null),
                Column.of("name", DataType.STRING)), List.of("id"), null);
        UUID phone = UUID.fromString("c720be1f-97ae-4b31-b82c-f1ddc891f531");
        try (StreamWriter w = changes(tags)) {
            assertThat(w.apply(change(ChangeOp.INSERT, tags, new Object[]{"ada", 1L}, new Object[]{"Ada", 2L})).written()).isEqualTo(2);
            assertThat(w.apply(change(ChangeOp.UPDATE, tags, new Object[]{"ADA", 3L})).rejected()).extracting(RejectedRow::key)
                    .containsExactly(List.of("ADA"));
            commit(w);
        }
        try (StreamWriter w = changes(devices)) {
            w.apply(change(ChangeOp.INSERT, devices, new Object[]{phone, "phone"}, new Object[]{UUID.randomUUID(), "laptop"}));
            assertThat(w.apply(change(ChangeOp.UPDATE, devices, new Object[]{UUID.fromString(phone.toString()), "my phone"})).written()).isEqualTo(1);
            assertThat(w.apply(change(ChangeOp.DELETE, project(devices, "id"), new Object[]{phone})).deleted()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT tag, uses FROM tags ORDER BY uses")).containsExactly(List.of("ada", 1L), List.of("Ada", 2L));
        assertThat(rows("SELECT name FROM devices")).containsExactly(List.of("laptop"));
    }

    @Test
    void aKeyGivenTwiceInOneCallAppliesItsLastOccurrenceOnce() throws Exception {
        try (StreamWriter w = changes(PEOPLE)) {
            WriteResult result = w.apply(change(ChangeOp.UPSERT, PEOPLE, new Object[]{1L, "first", null, null}, new Object[]{2L, "bob", null, null},
                    new Object[]{1L, "last", null, null}));
            assertThat(result.written()).isEqualTo(2);
            commit(w);
        }
        assertThat(rows("SELECT id, name FROM people ORDER BY id")).containsExactly(List.of(1L, "last"), List.of(2L, "bob"));
    }

    @Test
    void anExistingTableWhosePrimaryKeyIsNotTheSyncsIsRefused() throws Exception {
        execute("CREATE TABLE people (id BIGINT, name TEXT, age INTEGER, score DECIMAL(5,2))");
        assertThatThrownBy(() -> changes(PEOPLE)).isInstanceOfSatisfying(TidemarkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION))
                .hasMessageContaining("has no primary key but the sync matches records by (id)");
    }

    @Test
    void truncateRemovesEveryRecordAtCommit() throws Exception {
        try (StreamWriter w = changes(PEOPLE)) {
            w.apply(change(ChangeOp.UPSERT, PEOPLE, person(1, "ada"), person(2, "bob"), person(3, "cy")));
            commit(w);
        }
        try (StreamWriter w = changes(PEOPLE)) {
            w.apply(change(ChangeOp.UPSERT, PEOPLE, person(4, "dee")));
            assertThat(w.truncate()).isEqualTo(4);
            WriteResult after = w.apply(change(ChangeOp.UPSERT, PEOPLE, person(1, "ada again"), person(5, "eve")));
            assertThat(after.written()).isEqualTo(2);
            assertThat(w.apply(change(ChangeOp.DELETE, project(PEOPLE, "id"), new Object[]{1L})).deleted()).isEqualTo(1);
            commit(w);
        }
        assertThat(rows("SELECT id, name FROM people")).containsExactly(List.of(5L, "eve"));
    }

    @Test
    void truncateIsDiscardedWithoutCommit() throws Exception {
        try (StreamWriter w = changes(PEOPLE)) {
            w.apply(change(ChangeOp.UPSERT, PEOPLE, person(1, "ada"), person(2, "bob")));
            commit(w);
        }
        try (StreamWriter w = changes(PEOPLE)) {
            assertThat(w.truncate()).isEqualTo(2);
            w.apply(change(ChangeOp.UPSERT, PEOPLE, person(3, "cy")));
        }
        assertThat(rows("SELECT id, name FROM people ORDER BY id")).containsExactly(List.of(1L, "ada"), List.of(2L, "bob"));
        assertThat(destination.committedState("changes_sync")).get().extracting(CommittedState::checkpoint).isEqualTo("c1");
    }

    @Test
    void truncateOfATableWithoutRecordsRemovesNothing() throws Exception {
        try (StreamWriter w = changes(PEOPLE)) {
            assertThat(w.truncate()).isZero();
            commit(w);
        }
        assertThat(rows("SELECT count(*) FROM people")).containsExactly(List.of(0L));
    }

    @Test
    void truncateIsRefusedOutsideKeyedChanges() {
        for (WriteMode mode : List.of(WriteMode.REPLACE, WriteMode.UPSERT, WriteMode.APPEND)) {
            try (StreamWriter w = destination.open(new WriteRequest("changes_sync", PEOPLE.id(), PEOPLE, mode, 1, NOW, List.of()))) {
                assertThatThrownBy(w::truncate).isInstanceOfSatisfying(TidemarkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED)).hasMessageContaining("CHANGES");
            }
        }
    }

    private static Object[] person(long id, String name) { return new Object[]{id, name, null, null}; }

    @Test
    void aChangeToAColumnTheWriterWasNotOpenedWithIsAnError() {
        StreamSchema wider = new StreamSchema(PEOPLE.id(), List.of(new Column("id", DataType.INT64, false, null),
                Column.of("email", DataType.STRING)), List.of("id"), null);
        try (StreamWriter w = changes(PEOPLE)) {
            assertThatThrownBy(() -> w.apply(change(ChangeOp.UPDATE, wider, new Object[]{1L, "a@example.com"})))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND))
                    .hasMessageContaining("set column email, which the table does not have");
        }
    }
}
