package io.tidemark.connector.duckdb;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.jdbc.SqlFailure;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class DuckDbDialectTest {
    private final DuckDbDialect dialect = new DuckDbDialect("warehouse.duckdb");

    private SqlFailure classify(String message) { return dialect.classify(new SQLException(message)); }

    @Test
    void driverMessagesAreClassifiedByTheirErrorClass() {
        assertThat(classify("IO Error: Could not write file \"/tmp/x.csv\": No space left on device").code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(classify("IO Error: Could not set lock on file \"/w/warehouse.duckdb\": Conflicting lock is held in java (PID 7)"))
                .extracting(SqlFailure::code, SqlFailure::fix).containsExactly(ErrorCode.IO_ERROR,
                        "close other programs using warehouse.duckdb (DuckDB lets one process at a time write a database file), then run again");
        assertThat(classify("IO Error: The file \"/w/x\" exists, but it is not a valid DuckDB database file!").code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        assertThat(classify("Catalog Error: Table with name nope does not exist!\nDid you mean \"pg_enum\"?").code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(classify("Parser Error: syntax error at or near \"FORM\"").code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        assertThat(classify("Constraint Error: Duplicate key \"id: 2\" violates primary key constraint.").code()).isEqualTo(ErrorCode.DESTINATION_REJECTED);
    }

    @Test
    void typesWithoutATidemarkTypeAreSelectedAsText() {
        assertThat(dialect.selectExpression(new Column("tags", DataType.JSON, true, "VARCHAR[]"))).isEqualTo("CAST(to_json(\"tags\") AS VARCHAR) AS \"tags\"");
        assertThat(dialect.selectExpression(new Column("span", DataType.STRING, true, "INTERVAL"))).isEqualTo("CAST(\"span\" AS VARCHAR) AS \"span\"");
        assertThat(dialect.selectExpression(new Column("doc", DataType.JSON, true, "JSON"))).isEqualTo("\"doc\"");
        assertThat(dialect.selectExpression(new Column("name", DataType.STRING, true, "VARCHAR"))).isEqualTo("\"name\"");
    }

    @Test
    void decimalsBeyondDuckDbsPrecisionAreCappedKeepingTheScale() {
        assertThat(dialect.typeName(DataType.DECIMAL)).isEqualTo("DECIMAL(38,10)");
        assertThat(dialect.typeName(DataType.decimal(50, 4))).isEqualTo("DECIMAL(38,4)");
        assertThat(dialect.typeName(DataType.decimal(12, 2))).isEqualTo("DECIMAL(12,2)");
    }
}
