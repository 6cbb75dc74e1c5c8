package io.tidemark.jdbc;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;

/** Turns driver and file-system exceptions into user messages: what failed, on which connection, and the fix. */
public final class SqlErrors {
    private SqlErrors() {}

    /**
     * @param action what was being done, e.g. {@code reading main.orders}
     */
    public static TidemarkException translate(Dialect dialect, String connection, String action, SQLException e) {
        SqlFailure failure = dialect.classify(e);
        return new TidemarkException(failure.code(), prefix(connection) + action + " failed: " + firstLine(e.getMessage())
                + "; " + failure.fix(), e);
    }

    /** The same classification as {@link #translate}, as a problem for a check report. */
    public static Problem problem(Dialect dialect, String connection, String action, SQLException e) {
        SqlFailure failure = dialect.classify(e);
        return new Problem(failure.code(), prefix(connection) + action + " failed: " + firstLine(e.getMessage()), failure.fix());
    }

    /** A failure writing or reading Tidemark's own temporary files next to the database. */
    public static TidemarkException io(String connection, String action, IOException e) {
        boolean full = isDiskFull(e.getMessage());
        return new TidemarkException(full ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR, prefix(connection) + action
                + " failed: " + e + "; " + (full ? "free disk space and run again" : "check the disk and run again"), e);
    }

    /** Whether a driver or OS message reports a full disk or an exceeded quota. */
    public static boolean isDiskFull(String message) {
        if (message == null) return false;
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("no space left") || m.contains("disk full") || m.contains("disk is full")
                || m.contains("quota exceeded");
    }

    public static String prefix(String connection) { return "connection \"" + connection + "\": "; }

    /** Drivers append context lines (DuckDB's caret under the SQL); the first line is the message. */
    public static String firstLine(String message) {
        if (message == null) return "unknown error";
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
