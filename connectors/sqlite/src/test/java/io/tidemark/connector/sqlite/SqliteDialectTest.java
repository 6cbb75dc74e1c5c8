package io.tidemark.connector.sqlite;

import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.jdbc.NativeType;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteDialectTest {
    private final SqliteDialect dialect = new SqliteDialect("data.sqlite");

    @Test
    void resultCodesAreClassified() {
        assertThat(dialect.classify(new SQLiteException("disk full", SQLiteErrorCode.SQLITE_FULL)).code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(dialect.classify(new SQLiteException("write failed", SQLiteErrorCode.SQLITE_IOERR_WRITE)).code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(dialect.classify(new SQLiteException("file is not a database", SQLiteErrorCode.SQLITE_NOTADB)).code())
                .isEqualTo(ErrorCode.CONFIG_INVALID);
        assertThat(dialect.classify(new SQLiteException("database is locked", SQLiteErrorCode.SQLITE_BUSY)).fix())
                .startsWith("another program is writing data.sqlite");
        assertThat(dialect.classify(new SQLiteException("no such table: x", SQLiteErrorCode.SQLITE_ERROR)).code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(dialect.classify(new SQLiteException("UNIQUE constraint failed", SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY)).code())
                .isEqualTo(ErrorCode.DESTINATION_REJECTED);
    }

    @Test
    void everyDeclaredNameTidemarkWritesReadsBackAsItsType() {
        for (DataType type : new DataType[]{DataType.BOOLEAN, DataType.INT16, DataType.INT32, DataType.INT64, DataType.FLOAT32,
                DataType.FLOAT64, DataType.decimal(12, 2), DataType.DECIMAL, DataType.STRING, DataType.string(32), DataType.DATE,
                DataType.TIME, DataType.TIMESTAMP, DataType.TIMESTAMPTZ, DataType.BYTES, DataType.UUID_TYPE, DataType.JSON}) {
            assertThat(dialect.dataType(NativeType.declared(dialect.typeName(type)))).as(type.toString()).isEqualTo(type);
        }
    }

    @Test
    void foreignNamesFollowSqlitesAffinityRules() {
        assertThat(dialect.dataType(NativeType.declared("UNSIGNED BIG INT"))).isEqualTo(DataType.INT64);
        assertThat(dialect.dataType(NativeType.declared("NATIVE CHARACTER(70)"))).isEqualTo(DataType.string(70));
        assertThat(dialect.dataType(NativeType.declared("DOUBLE PRECISION"))).isEqualTo(DataType.FLOAT64);
        assertThat(dialect.dataType(NativeType.declared("MONEY"))).isEqualTo(DataType.DECIMAL);
        assertThat(dialect.dataType(NativeType.declared(""))).isEqualTo(DataType.STRING);
    }

    @Test
    void temporalTextHasOneSpellingWhoseOrderIsTimeOrder() {
        assertThat(SqliteText.format(DataType.TIMESTAMP, LocalDateTime.of(2026, 1, 2, 3, 4))).isEqualTo("2026-01-02T03:04:00");
        assertThat(SqliteText.format(DataType.TIMESTAMP, LocalDateTime.of(2026, 1, 2, 3, 4, 5, 500_000_000))).isEqualTo("2026-01-02T03:04:05.5");
        assertThat(SqliteText.format(DataType.TIME, LocalTime.of(3, 4, 5, 120))).isEqualTo("03:04:05.00000012");
        assertThat(SqliteText.format(DataType.TIMESTAMPTZ, OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2))))
                .isEqualTo("2026-01-02T01:04:05");
        assertThat(SqliteText.format(DataType.TIMESTAMPTZ, OffsetDateTime.of(2026, 1, 2, 1, 4, 5, 0, ZoneOffset.UTC)))
                .isLessThan(SqliteText.format(DataType.TIMESTAMPTZ, OffsetDateTime.of(2026, 1, 2, 1, 4, 5, 1, ZoneOffset.UTC)));
    }
}
