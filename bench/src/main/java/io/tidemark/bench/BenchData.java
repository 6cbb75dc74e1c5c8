package io.tidemark.bench;

import io.tidemark.testkit.WideTable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates and changes the benchmark table in a Postgres database, with the same SQL the crash tests use; and the HTTP
 * benchmark's source, a SQLite file.
 *
 * <pre>
 *   BenchData create JDBC_URL ROWS     # table "wide" with ROWS rows, an index on the cursor "seq", analyzed
 *   BenchData touch  JDBC_URL NTH ROUND  # change every NTH row, raising its cursor (ROUND makes values new)
 *   BenchData churn  JDBC_URL ROUND      # W4: update 0.5%, insert 0.25%, delete 0.25% of the rows (ROUND 1..99)
 *   BenchData items  jdbc:sqlite:FILE ROWS  # HTTP: table "items" (id 1..ROWS, email, name, plan, updated_at)
 * </pre>
 */
public final class BenchData {
    private BenchData() {}

    public static void main(String[] args) throws SQLException {
        if (args.length < 3) {
            System.err.println("usage: BenchData create JDBC_URL ROWS | touch JDBC_URL NTH ROUND | churn JDBC_URL ROUND | items jdbc:sqlite:FILE ROWS");
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
                case "churn" -> churn(s, Integer.parseInt(args[2]));
                case "items" -> items(s, Long.parseLong(args[2]));
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
        }
    }

    /**
     * Changes 1% of the rows the way W4 needs: a different 0.5% updated each round ({@code id % 200 = round}), 0.25%
     * deleted ({@code id % 400 = round + 100}, never a row this or another round updates), and 0.25% inserted above the
     * highest id. Vacuumed afterwards so every contender reads a table without dead rows or pending hint bits.
     */
    private static void churn(Statement s, int round) throws SQLException {
        if (round < 1 || round > 99) {
            throw new IllegalArgumentException("churn round " + round + " is outside 1..99, where rounds touch disjoint rows; use RUNS <= 97");
        }
        long max, count;
        try (ResultSet r = s.executeQuery("select max(id), count(*) from wide")) {
            r.next();
            max = r.getLong(1);
            count = r.getLong(2);
        }
        int updated = s.executeUpdate("update wide set seq = seq + " + (round * 1_000_000_000_000L) + ", qty = qty + " + round
                + ", note = 'changed in round " + round + "' where id % 200 = " + round);
        int deleted = s.executeUpdate("delete from wide where id % 400 = " + (round + 100));
        int inserted = s.executeUpdate(WideTable.fillSql("wide", max + 1, max + count / 400));
        s.execute("vacuum analyze wide");
        System.out.printf("churn round %d: updated %d, inserted %d, deleted %d rows%n", round, updated, inserted, deleted);
    }

    /** The rows of a CRM-like object, as a reverse-ETL sync sends them to an API (SQLite SQL). */
    private static void items(Statement s, long rows) throws SQLException {
        s.execute("drop table if exists items");
        s.execute("create table items (id integer primary key, email text not null, name text not null, plan text not null, "
                + "updated_at text not null)");
        s.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < " + rows + ") "
                + "insert into items select i, 'user' || i || '@example.com', 'User ' || i, "
                + "case i % 3 when 0 then 'free' when 1 then 'pro' else 'team' end, "
                + "strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i, 'unixepoch') from n");
    }
}
