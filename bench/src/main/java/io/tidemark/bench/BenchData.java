package io.tidemark.bench;

import io.tidemark.testkit.WideTable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates and changes the benchmark table in a Postgres database, with the same SQL the crash tests use.
 *
 * <pre>
 *   BenchData create JDBC_URL ROWS     # table "wide" with ROWS rows, an index on the cursor "seq", analyzed
 *   BenchData touch  JDBC_URL NTH ROUND  # change every NTH row, raising its cursor (ROUND makes values new)
 * </pre>
 */
public final class BenchData {
    private BenchData() {}

    public static void main(String[] args) throws SQLException {
        if (args.length < 3) {
            System.err.println("usage: BenchData create JDBC_URL ROWS | touch JDBC_URL NTH ROUND");
            System.exit(2);
        }
        try (Connection c = DriverManager.getConnection(args[1]); Statement s = c.createStatement()) {
            switch (args[0]) {
                case "create" -> {
                    s.execute("drop table if exists wide");
                    s.execute(WideTable.createSql("wide"));
                    s.execute(WideTable.fillSql("wide", 1, Long.parseLong(args[2])));
                    // Cursor columns are indexed in any real incremental setup; every contender reads through it.
                    s.execute("create index wide_seq on wide (seq)");
                    s.execute("vacuum analyze wide");
                }
                case "touch" -> {
                    s.execute(WideTable.touchSql("wide", Long.parseLong(args[2]), Long.parseLong(args[3])));
                    s.execute("analyze wide");
                }
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
        }
    }
}
