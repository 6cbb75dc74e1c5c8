package io.tidemark.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * W4's hash-join baseline: the core of change tracking done directly in DuckDB. Builds two (key BIGINT, hash BIGINT)
 * tables of ROWS keys in an in-memory DuckDB — the same 1% apart as W4's rounds (0.5% of hashes changed, 0.25% of
 * keys new, 0.25% gone) — then classifies the difference with one full outer hash join. Building and joining are
 * timed separately: the join is the baseline; building only stands in for the snapshots a real run already has.
 *
 * <pre>
 *   HashJoinBaseline ROWS
 * </pre>
 *
 * Prints one line, which bench/run.sh reads: {@code hash join classified C of N keys in J ms (...); tables built in B ms}.
 */
public final class HashJoinBaseline {
    private HashJoinBaseline() {}

    public static void main(String[] args) throws SQLException {
        if (args.length != 1) {
            System.err.println("usage: HashJoinBaseline ROWS");
            System.exit(2);
        }
        long rows = Long.parseLong(args[0]);
        // In memory: the cheapest place for the join, so the baseline is as fast as DuckDB allows.
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            long buildStart = System.nanoTime();
            // hash() is an unsigned 64-bit value; shifting out one bit keeps it in BIGINT range.
            s.execute("create table snapshot_old as select i as key, (hash(i) >> 1)::bigint as hash from range(" + rows + ") t(i)");
            // Keys 0..rows-1 minus every 400th (removed), plus rows/400 keys above (added); every 200th hash differs.
            s.execute("create table snapshot_new as select i as key, (hash(case when i < " + rows + " and i % 200 = 1 then i + "
                    + rows + " else i end) >> 1)::bigint as hash from range(" + (rows + rows / 400) + ") t(i) "
                    + "where i >= " + rows + " or i % 400 <> 101");
            long buildMs = (System.nanoTime() - buildStart) / 1_000_000;

            long joinStart = System.nanoTime();
            try (ResultSet r = s.executeQuery("select count(*) filter (where o.key is null), count(*) filter (where n.key is not null "
                    + "and o.key is not null), count(*) filter (where n.key is null) from snapshot_old o full outer join snapshot_new n "
                    + "on o.key = n.key where o.hash is distinct from n.hash")) {
                r.next();
                long joinMs = (System.nanoTime() - joinStart) / 1_000_000;
                long added = r.getLong(1), changed = r.getLong(2), removed = r.getLong(3);
                System.out.printf("hash join classified %d of %d keys in %d ms (added %d, changed %d, removed %d); tables built in %d ms%n",
                        added + changed + removed, rows, joinMs, added, changed, removed, buildMs);
            }
        }
    }
}
