package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQL the generic destination generates, on a minimal dialect. */
class WriteSqlTest {
    private static final Dialect ANSI = new Dialect() {
        @Override
        public String name() { return "ansi"; }

        @Override
        public String typeName(DataType type) { return type.toString().toUpperCase(java.util.Locale.ROOT); }

        @Override
        public DataType dataType(NativeType type) { return DataType.STRING; }

        @Override
        public SqlFailure classify(SQLException e) { return new SqlFailure(ErrorCode.IO_ERROR, "retry"); }
    };
    private static final StreamId ORDERS = new StreamId("s", "orders");

    @Test
    void identifiersAreQuotedWithEmbeddedQuotesDoubled() {
        assertThat(ANSI.qualified(new StreamId("my \"schema\"", "a.b"))).isEqualTo("\"my \"\"schema\"\"\".\"a.b\"");
    }

    @Test
    void upsertUpdatesEveryNonKeyColumnAndDoesNothingWhenAllColumnsAreKey() {
        assertThat(ANSI.upsert(ORDERS, List.of("id", "total"), List.of("id"), "SELECT id, total FROM x WHERE true")).isEqualTo(
                "INSERT INTO \"s\".\"orders\" (\"id\", \"total\") SELECT id, total FROM x WHERE true ON CONFLICT (\"id\") "
                        + "DO UPDATE SET \"total\" = excluded.\"total\"");
        assertThat(ANSI.upsert(ORDERS, List.of("id"), List.of("id"), "SELECT id FROM x WHERE true")).endsWith("DO NOTHING");
    }

    @Test
    void createdTablesDeclareTheKeyNotNullAndAsPrimaryKey() {
        assertThat(TargetTable.create(ANSI, ORDERS, List.of(Column.of("id", DataType.INT64), Column.of("note", DataType.STRING)), List.of("id")))
                .isEqualTo("CREATE TABLE \"s\".\"orders\" (\"id\" INT64 NOT NULL, \"note\" STRING, PRIMARY KEY (\"id\"))");
    }

    @Test
    void evolutionAddsMissingColumnsAndKeepsTheTypesTheTableHolds() {
        StreamSchema existing = new StreamSchema(ORDERS, List.of(new Column("id", DataType.INT64, false, "BIGINT"),
                new Column("total", DataType.decimal(18, 4), true, "NUMERIC(18,4)")), List.of("id"), "ansi");
        TargetTable.Evolution evolution = TargetTable.evolve(ANSI, "wh", existing, List.of(Column.of("id", DataType.INT32),
                Column.of("total", DataType.decimal(10, 2)), Column.of("note", DataType.STRING)));

        assertThat(evolution.statements()).containsExactly("ALTER TABLE \"s\".\"orders\" ADD COLUMN \"note\" STRING");
        assertThat(evolution.columns()).extracting(Column::type).containsExactly(DataType.INT64, DataType.decimal(18, 4), DataType.STRING);
        assertThat(evolution.columns()).extracting(Column::nullable).as("as the table takes NULL, not as the schema says")
                .containsExactly(false, true, true);
    }

    @Test
    void evolutionRefusesAColumnThatCannotHoldTheValues() {
        StreamSchema existing = new StreamSchema(ORDERS, List.of(new Column("total", DataType.INT32, true, "INTEGER")), List.of(), "ansi");
        assertThatThrownBy(() -> TargetTable.evolve(ANSI, "wh", existing, List.of(Column.of("total", DataType.decimal(10, 2)))))
                .isInstanceOf(TidemarkException.class)
                .hasMessage("connection \"wh\": column total of s.orders is INTEGER (int32) but the sync writes decimal(10,2); "
                        + "change the column to DECIMAL(10,2) (or a wider type), or resync to recreate the table")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
    }

    @Test
    void anUpsertNeedsTheTableToHaveTheSyncsKey() {
        StreamSchema keyless = new StreamSchema(ORDERS, List.of(Column.of("id", DataType.INT64)), List.of(), "ansi");
        assertThatThrownBy(() -> TargetTable.requireKey(ANSI, "wh", keyless, List.of("id")))
                .hasMessageContaining("table s.orders has no primary key but the sync matches records by (id)");
        TargetTable.requireKey(ANSI, "wh", keyless.withPrimaryKey(List.of("id")), List.of("id"));
    }

    @Test
    void aDiskFullMessageIsRecognisedAndFirstLinesKept() {
        assertThat(SqlErrors.isDiskFull("IO Error: Could not write file \"x\": No space left on device")).isTrue();
        assertThat(SqlErrors.io("wh", "staging rows", new java.io.IOException("No space left on device")).errorCode())
                .isEqualTo(ErrorCode.DISK_FULL);
        assertThat(SqlErrors.firstLine("Parser Error: bad\nLINE 1: select")).isEqualTo("Parser Error: bad");
    }
}
