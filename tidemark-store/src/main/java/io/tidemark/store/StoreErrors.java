package io.tidemark.store;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.regex.Pattern;

/** Turns driver, pool and migration failures into {@link TidemarkException}s that say what to do. */
final class StoreErrors {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@]*:)[^/@]*@");

    private StoreErrors() {}

    /** The URL with any password replaced by {@code ***}, fit for messages and logs. */
    static String redact(String jdbcUrl) {
        String withoutParameter = PASSWORD_PARAMETER.matcher(jdbcUrl).replaceAll("$1***");
        return URL_USER_INFO.matcher(withoutParameter).replaceAll("$1***@");
    }

    /**
     * Whether a statement failed on a primary key or unique constraint: how the store tells "someone else got
     * there first" from a real failure.
     */
    static boolean isUniqueViolation(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            return sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
        }
        return "23505".equals(e.getSQLState()); // Postgres: unique_violation
    }

    /** {@code failure} as the user should see it; {@code shownUrl} is already redacted. */
    static TidemarkException translate(Throwable failure, String shownUrl) {
        if (failure instanceof TidemarkException known) return known;
        String prefix = "state store " + shownUrl + ": ";
        SQLException sql = sqlCause(failure);
        if (sql == null) {
            // Flyway reports migration problems (checksum mismatch, failed script) without an SQLException.
            return new TidemarkException(ErrorCode.CONFIG_INVALID, prefix + "cannot migrate the tables ("
                    + failure.getMessage() + "); point the URL at a database used only by Tidemark", failure);
        }
        Diagnosis d = diagnose(sql);
        return new TidemarkException(d.code(), prefix + d.what() + " (" + sql.getMessage() + "); " + d.fix(), sql);
    }

    private record Diagnosis(ErrorCode code, String what, String fix) {}

    private static Diagnosis diagnose(SQLException e) {
        if (e instanceof SQLiteException sqlite) return diagnoseSqlite(sqlite.getResultCode().code & 0xff);
        if (e instanceof SQLTransientConnectionException) {
            return new Diagnosis(ErrorCode.CONNECTION_FAILED, "no connection available",
                    "check that the database is up and not overloaded, then retry");
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P")) {
            return new Diagnosis(ErrorCode.CONNECTION_FAILED, "cannot connect",
                    "check that the server is running and that the host and port are right");
        }
        if (state.startsWith("28")) {
            return new Diagnosis(ErrorCode.AUTHENTICATION_FAILED, "authentication failed", "check the user and password");
        }
        return switch (state) {
            case "3D000" -> new Diagnosis(ErrorCode.CONFIG_INVALID, "the database does not exist",
                    "create it (CREATE DATABASE) or fix the URL");
            case "42501" -> new Diagnosis(ErrorCode.PERMISSION_DENIED, "permission denied",
                    "grant the user USAGE and CREATE on the schema");
            case "53100" -> new Diagnosis(ErrorCode.DISK_FULL, "the disk is full", "free disk space on the database server");
            default -> new Diagnosis(ErrorCode.INTERNAL, "a statement failed", "report this with the log");
        };
    }

    /** By SQLite's primary result code (https://sqlite.org/rescode.html). */
    private static Diagnosis diagnoseSqlite(int primaryCode) {
        return switch (primaryCode) {
            case 5, 6 -> new Diagnosis(ErrorCode.IO_ERROR, "the database is locked by another process",
                    "retry; if it stays locked, stop the other Tidemark process using this file");
            case 3, 8 -> new Diagnosis(ErrorCode.PERMISSION_DENIED, "the database file is read-only",
                    "make the file and its folder writable");
            case 13 -> new Diagnosis(ErrorCode.DISK_FULL, "the disk is full", "free disk space");
            case 14 -> new Diagnosis(ErrorCode.CONFIG_INVALID, "cannot open the database file",
                    "check that its folder exists and is writable");
            case 11, 26 -> new Diagnosis(ErrorCode.CONFIG_INVALID, "the file is not a valid SQLite database",
                    "point the URL at a Tidemark state file or at a new file");
            case 10 -> new Diagnosis(ErrorCode.IO_ERROR, "disk I/O failed", "check the disk and retry");
            default -> new Diagnosis(ErrorCode.INTERNAL, "a statement failed", "report this with the log");
        };
    }

    private static SQLException sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) return sql;
        }
        return null;
    }
}
