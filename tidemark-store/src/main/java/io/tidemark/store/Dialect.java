package io.tidemark.store;

import com.zaxxer.hikari.HikariConfig;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

/**
 * The few things that differ between the state store's databases; every statement of {@link JdbcStateStore} is
 * plain SQL that both run unchanged.
 */
enum Dialect {
    SQLITE("jdbc:sqlite:", "sqlite", "") {
        @Override
        void tune(HikariConfig config) {
            // One connection: SQLite has a single writer anyway, so the pool is what serialises this process.
            // WAL lets readers run beside the writer; busy_timeout makes a writer from another process wait for the
            // lock instead of failing at once.
            config.setMaximumPoolSize(1);
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("foreign_keys", "true");
            // Transactions take the write lock when they begin. A deferred transaction that reads and then writes
            // fails with SQLITE_BUSY (which busy_timeout cannot cure) when another process wrote in between.
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
    },
    POSTGRES("jdbc:postgresql:", "postgres", " for update") {
        @Override
        void tune(HikariConfig config) {
            // Sized for the server, whose cluster scheduler shares the pool (StateStore.dataSource()): its executor
            // threads (about 8) each take a connection to record an execution's end, beside its polling, its
            // heartbeats and the store's own statements. Connections open on demand, so a CLI command opens one.
            config.setMaximumPoolSize(10);
            config.setMinimumIdle(1);
        }
    };

    private final String urlPrefix;
    private final String migrationFolder;
    private final String rowLock;

    Dialect(String urlPrefix, String migrationFolder, String rowLock) {
        this.urlPrefix = urlPrefix;
        this.migrationFolder = migrationFolder;
        this.rowLock = rowLock;
    }

    static Dialect of(String jdbcUrl, String shownUrl) {
        for (Dialect dialect : values()) if (jdbcUrl.startsWith(dialect.urlPrefix)) return dialect;
        throw new TidemarkException(ErrorCode.CONFIG_INVALID, "state store URL " + shownUrl
                + " is not supported; use jdbc:sqlite:<file> or jdbc:postgresql://<host>:<port>/<database>");
    }

    abstract void tune(HikariConfig config);

    HikariConfig poolConfig(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("tidemark-state");
        config.setJdbcUrl(jdbcUrl);
        if (user != null) config.setUsername(user);
        if (password != null) config.setPassword(password);
        tune(config);
        return config;
    }

    String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /**
     * Appended to a select of a sync's row to serialise the transactions that write one sync (run start,
     * checkpoint versions). SQLite needs nothing: its transactions already hold the database's write lock.
     */
    String rowLock() {
        return rowLock;
    }
}
