package io.tidemark.cli.quickstart;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * The quickstart's sample source: a small shop in SQLite (customers, products, orders, order items; about 370k
 * rows), generated deterministically, and a second step that changes some of it the way an application would.
 * This is demo data set-up, not sync logic: it talks to SQLite directly.
 */
public final class SampleShop {
    public static final int CUSTOMERS = 20_000;
    public static final int PRODUCTS = 1_000;
    public static final int ORDERS = 100_000;
    static final int ITEMS_PER_ORDER_MAX = 4;
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    private static final LocalDateTime EPOCH = LocalDateTime.of(2026, 1, 1, 0, 0);
    private static final String[] STATUSES = {"placed", "paid", "shipped", "delivered"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "US", "GB", "ES", "IT", "SE", "PL", "CA"};
    private static final String[] CATEGORIES = {"books", "garden", "kitchen", "toys", "tools", "music"};

    private final Path file;

    public SampleShop(Path file) { this.file = file; }

    /** Creates the tables and fills them; returns the number of rows written. */
    public long create() throws SQLException {
        SplittableRandom random = new SplittableRandom(42);
        long rows = 0;
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("create table customers (id bigint primary key, name varchar(64) not null, email varchar(128), "
                        + "country varchar(2), created_at timestamp not null)");
                s.execute("create table products (id bigint primary key, name varchar(64) not null, category varchar(32), "
                        + "price decimal(10,2) not null)");
                s.execute("create table orders (id bigint primary key, customer_id bigint not null, status varchar(16) not null, "
                        + "total decimal(12,2) not null, created_at timestamp not null, updated_at timestamp not null)");
                s.execute("create table order_items (id bigint primary key, order_id bigint not null, product_id bigint not null, "
                        + "quantity integer not null, price decimal(10,2) not null)");
                s.execute("create index orders_updated_at on orders(updated_at)");
            }
            try (PreparedStatement p = c.prepareStatement("insert into customers values (?,?,?,?,?)")) {
                for (int id = 1; id <= CUSTOMERS; id++) {
                    p.setLong(1, id);
                    p.setString(2, "Customer " + id);
                    p.setString(3, "customer" + id + "@example.com");
                    p.setString(4, COUNTRIES[random.nextInt(COUNTRIES.length)]);
                    p.setString(5, EPOCH.minusDays(random.nextInt(700)).plusSeconds(random.nextInt(86_400)).format(ISO));
                    p.addBatch();
                }
                rows += p.executeBatch().length;
            }
            try (PreparedStatement p = c.prepareStatement("insert into products values (?,?,?,?)")) {
                for (int id = 1; id <= PRODUCTS; id++) {
                    p.setLong(1, id);
                    p.setString(2, "Product " + id);
                    p.setString(3, CATEGORIES[random.nextInt(CATEGORIES.length)]);
                    p.setString(4, price(random));
                    p.addBatch();
                }
                rows += p.executeBatch().length;
            }
            rows += insertOrders(c, random, 1, ORDERS, EPOCH);
            c.commit();
        }
        return rows;
    }

    /**
     * What an application does between two syncs: ships 1,000 orders, places 500 new ones and renames 50
     * customers. Returns a one-line description.
     */
    public String changeSomeRows(LocalDateTime now) throws SQLException {
        SplittableRandom random = new SplittableRandom(7);
        try (Connection c = connect()) {
            try (PreparedStatement p = c.prepareStatement("update orders set status = 'shipped', updated_at = ? where id = ?")) {
                for (int i = 0; i < 1_000; i++) {
                    p.setString(1, now.format(ISO));
                    p.setLong(2, 1 + random.nextInt(ORDERS));
                    p.addBatch();
                }
                p.executeBatch();
            }
            insertOrders(c, random, ORDERS + 1, ORDERS + 500, now);
            try (PreparedStatement p = c.prepareStatement("update customers set name = name || ' (renamed)' where id = ?")) {
                for (int i = 1; i <= 50; i++) {
                    p.setLong(1, i * 7L);
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.commit();
        }
        return "shipped 1,000 orders, placed 500 new orders (with their items), renamed 50 customers";
    }

    private long insertOrders(Connection c, SplittableRandom random, int firstId, int lastId, LocalDateTime base) throws SQLException {
        long rows = 0;
        long itemId = nextItemId(c);
        try (PreparedStatement order = c.prepareStatement("insert into orders values (?,?,?,?,?,?)");
             PreparedStatement item = c.prepareStatement("insert into order_items values (?,?,?,?,?)")) {
            for (int id = firstId; id <= lastId; id++) {
                // The initial load spreads orders over a month; orders placed later are placed "now".
                LocalDateTime created = firstId == 1 ? base.minusMinutes(random.nextInt(60 * 24 * 30)) : base;
                order.setLong(1, id);
                order.setLong(2, 1 + random.nextInt(CUSTOMERS));
                order.setString(3, STATUSES[random.nextInt(STATUSES.length)]);
                order.setString(4, price(random));
                order.setString(5, created.format(ISO));
                order.setString(6, created.format(ISO));
                order.addBatch();
                int items = 1 + random.nextInt(ITEMS_PER_ORDER_MAX);
                for (int i = 0; i < items; i++) {
                    item.setLong(1, itemId++);
                    item.setLong(2, id);
                    item.setLong(3, 1 + random.nextInt(PRODUCTS));
                    item.setInt(4, 1 + random.nextInt(3));
                    item.setString(5, price(random));
                    item.addBatch();
                }
                rows += 1 + items;
                if (id % 10_000 == 0) {
                    order.executeBatch();
                    item.executeBatch();
                }
            }
            order.executeBatch();
            item.executeBatch();
        }
        return rows;
    }

    private static long nextItemId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("select coalesce(max(id), 0) + 1 from order_items")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String price(SplittableRandom random) {
        return (1 + random.nextInt(500)) + "." + String.format("%02d", random.nextInt(100));
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        c.setAutoCommit(false);
        return c;
    }
}
