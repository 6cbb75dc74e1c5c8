package io.tidemark.testkit;

/**
 * The benchmark and crash-test table: 16 columns (3 bigint, 1 int, 4 double, 6 varchar(32), 3 date), primary key
 * {@code id}, generated in Postgres with {@code generate_series} so millions of rows take seconds. {@code seq} is a
 * monotonically growing cursor: {@link #touchSql} raises it on the rows it changes, as an application's
 * {@code updated_at} would.
 */
public final class WideTable {
    private WideTable() {}

    public static String createSql(String table) {
        return "create table " + table + " (id bigint primary key, seq bigint not null, qty bigint, bucket int, "
                + "price double precision, weight double precision, ratio double precision, score double precision, "
                + "name varchar(32), city varchar(32), email varchar(32), sku varchar(32), tag varchar(32), note varchar(32), "
                + "created date, shipped date, due date)";
    }

    /** Inserts rows {@code first..last} (inclusive). */
    public static String fillSql(String table, long first, long last) {
        return "insert into " + table + " select g, g, g * 7, (g % 100000)::int, g * 0.25, g / 3.0, 1.0 / g, sqrt(g), "
                + "'name_' || g, 'city_' || (g % 977), 'user' || g || '@example.com', 'SKU-' || lpad(g::text, 12, '0'), "
                + "case when g % 10 = 0 then null else 'tag_' || (g % 13) end, repeat('x', (g % 32)::int), "
                + "date '2020-01-01' + (g % 2000)::int, date '2021-06-01' + (g % 1000)::int, "
                + "case when g % 7 = 0 then null else date '2022-01-01' + (g % 500)::int end "
                + "from generate_series(" + first + ", " + last + ") g";
    }

    /**
     * Changes every {@code everyNth} row: new values and a cursor above every existing one.
     *
     * @param round distinguishes successive changes so each produces new values and cursors
     */
    public static String touchSql(String table, long everyNth, long round) {
        return "update " + table + " set seq = seq + " + (round * 1_000_000_000_000L) + ", qty = qty + " + round
                + ", note = 'changed in round " + round + "' where id % " + everyNth + " = 0";
    }

    /** Count and an order-independent checksum over every column, comparable between two Postgres tables. */
    public static String checksumSql(String table) {
        return "select count(*), sum(hashtextextended(t::text, 0)) from " + table + " t";
    }
}
