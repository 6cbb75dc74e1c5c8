package io.tidemark.connector.duckdb;

import java.sql.Connection;
import java.sql.DriverManager;

/** Run in a child process by {@link DuckDbFileTest}: holds a DuckDB file open until its standard input closes. */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        try (Connection ignored = DriverManager.getConnection("jdbc:duckdb:" + args[0])) {
            System.out.println("holding");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our input
            }
        }
    }
}
