package io.tidemark.engine;

import io.tidemark.testkit.PostgresServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What engine tests with a Postgres source share: the {@code wh} destination connection of each type, plain queries,
 * and cleaning up replication slots.
 */
final class PostgresSourceFixture {
    private final PostgresServer pg;
    private String warehouse;

    PostgresSourceFixture(PostgresServer pg) { this.pg = pg; }

    /** The connection of a destination type; a Postgres one is a database of its own, made on first use. */
    String destination(String type) {
        return switch (type) {
            case "postgres" -> "{ type: postgres, url: \"" + pg.jdbcUrl(warehouse()) + "\", user: postgres }";
            case "duckdb" -> "{ type: duckdb, path: wh.duckdb }";
            case "sqlite" -> "{ type: sqlite, path: wh.sqlite }";
            case "files" -> "{ type: files, path: out, format: csv }";
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** The Postgres destination's database, made on first use. */
    String warehouse() {
        if (warehouse == null) warehouse = pg.createDatabase("wh");
        return warehouse;
    }

    /** Whether a Postgres destination was made. */
    boolean hasWarehouse() { return warehouse != null; }

    /** The first column of every row {@code sql} returns, as text. */
    List<String> query(String database, String sql) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }

    /** Drops the slots no run is using in {@code database}: a slot left behind would keep the test server's log forever. */
    void dropIdleSlots(String database) {
        pg.execute(database, "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = current_database() and not active");
    }
}
