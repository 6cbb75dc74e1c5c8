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
    void evolutionWidensAColumnDeclaredAsTheDialectDeclaresItsType() {
        Column total = new Column("total", DataType.INT32, true, "INT32");
        StreamSchema existing = new StreamSchema(ORDERS, List.of(total), List.of(), "ansi");
        TargetTable.Evolution evolution = TargetTable.evolve(ANSI, "wh", existing, List.of(Column.of("total", DataType.decimal(12, 2))));

        assertThat(evolution.widenings()).containsExactly(new Widening(total, DataType.decimal(12, 2)));
        assertThat(evolution.columns()).extracting(Column::type).containsExactly(DataType.decimal(12, 2));
        assertThat(evolution.statements()).isEmpty();
    }

    @Test
    void evolutionRefusesToWidenAColumnDeclaredByAnotherToolWhoseValuesItCannotVouchFor() {
        StreamSchema existing = new StreamSchema(ORDERS, List.of(new Column("at", DataType.TIMESTAMP, true, "TIMESTAMP_NS")), List.of(), "ansi");
        assertThatThrownBy(() -> TargetTable.evolve(ANSI, "wh", existing, List.of(Column.of("at", DataType.TIMESTAMPTZ))))
                .hasMessageContaining("column at of s.orders is TIMESTAMP_NS (timestamp) but the sync writes timestamptz")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_DESTINATION);
    }

    @Test
    void columnsAreWidenedWithStandardSqlReadingTimestampsAsUtc() throws SQLException {
        StreamSchema existing = new StreamSchema(ORDERS, List.of(new Column("n", DataType.INT32, true, "INT32"),
                new Column("at", DataType.TIMESTAMP, true, "TIMESTAMP")), List.of(), "ansi");
        List<Widening> widenings = List.of(new Widening(existing.columns().get(0), DataType.INT64),
                new Widening(existing.columns().get(1), DataType.TIMESTAMPTZ));

        assertThat(ANSI.widen(null, existing, widenings)).containsExactly(
                "ALTER TABLE \"s\".\"orders\" ALTER COLUMN \"n\" SET DATA TYPE INT64 USING \"n\"",
                "ALTER TABLE \"s\".\"orders\" ALTER COLUMN \"at\" SET DATA TYPE TIMESTAMPTZ USING \"at\" AT TIME ZONE 'UTC'");
    }

    @Test
    void aRebuiltTableKeepsItsDefinitionWithOnlyTheWidenedTypesChanged() {
        String definition = "CREATE TABLE \"orders\" (\"id\" INT32 NOT NULL, [note] STRING(10) COLLATE NOCASE, -- a comment, (\n"
                + "  \"a \"\"b\" DECIMAL(10,2) CHECK (\"a \"\"b\" > 0), untyped, \"tag\" STRING(10), PRIMARY KEY (\"id\")) WITHOUT ROWID";
        StreamSchema existing = new StreamSchema(ORDERS, List.of(new Column("id", DataType.INT32, false, "INT32"),
                new Column("note", DataType.string(10), true, "STRING(10)"), new Column("a \"b", DataType.decimal(10, 2), true, "DECIMAL(10,2)"),
                new Column("untyped", DataType.INT32, true, ""), new Column("tag", DataType.string(10), true, "STRING(10)")), List.of("id"), "ansi");
        List<Widening> widenings = List.of(new Widening(existing.columns().get(0), DataType.INT64),
                new Widening(existing.columns().get(1), DataType.STRING), new Widening(existing.columns().get(2), DataType.decimal(20, 4)),
                new Widening(existing.columns().get(3), DataType.INT64));

        assertThat(TableRebuild.statements(ANSI, existing, definition, List.of("CREATE INDEX i ON \"orders\" (\"tag\")"), widenings))
                .containsExactly("DROP TABLE IF EXISTS \"s\".\"_tidemark_rebuild_orders\"",
                        "CREATE TABLE \"s\".\"_tidemark_rebuild_orders\" (\"id\" INT64 NOT NULL, [note] STRING COLLATE NOCASE, -- a comment, (\n"
                                + "  \"a \"\"b\" DECIMAL(20,4) CHECK (\"a \"\"b\" > 0), untyped INT64, \"tag\" STRING(10), PRIMARY KEY (\"id\")) WITHOUT ROWID",
                        "INSERT INTO \"s\".\"_tidemark_rebuild_orders\" (\"id\", \"note\", \"a \"\"b\", \"untyped\", \"tag\") SELECT \"id\", "
                                + "\"note\", \"a \"\"b\", \"untyped\", \"tag\" FROM \"s\".\"orders\"",
                        "DROP TABLE IF EXISTS \"s\".\"orders\"", "ALTER TABLE \"s\".\"_tidemark_rebuild_orders\" RENAME TO \"orders\"",
                        "CREATE INDEX i ON \"orders\" (\"tag\")");
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
