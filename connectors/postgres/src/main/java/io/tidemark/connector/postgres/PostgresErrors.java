package io.tidemark.connector.postgres;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;
import io.tidemark.api.TidemarkException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.io.IOException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Maps Postgres errors (by SQLSTATE, see the "PostgreSQL Error Codes" appendix) to Tidemark error codes with a
 * message that says what to do. Server messages never contain passwords; driver messages are used only for
 * client-side failures (unreachable host), which do not either.
 */
final class PostgresErrors {

    /** What went wrong and what to do about it. */
    record Classified(ErrorCode code, String problem, String fix) {}

    private PostgresErrors() {}

    /** {@code what} says what was being done: {@code connection "wh" (127.0.0.1:5432/app): reading public.orders}. */
    static TidemarkException classify(SQLException e, String what) {
        Classified c = describe(e);
        return new TidemarkException(c.code(), what + ": " + c.problem() + "; " + c.fix(), e);
    }

    /**
     * Like {@link #classify}, for a statement applying given rows to the destination, where a value the column cannot
     * hold (class 22) or an error raised by a trigger (class P0) is the destination refusing a row, as a broken
     * constraint (class 23) is: {@link ErrorCode#DESTINATION_REJECTED}, with the server's reason.
     */
    static TidemarkException refusal(SQLException e, String what) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("22")) {
            return new TidemarkException(ErrorCode.DESTINATION_REJECTED, what + ": a value does not fit its column: " + message(e)
                    + "; fix the value at the source, or widen the destination column", e);
        }
        if (state.startsWith("P0")) {
            return new TidemarkException(ErrorCode.DESTINATION_REJECTED, what + ": a trigger refused a row: " + message(e)
                    + "; fix the row at the source, or the trigger at the destination", e);
        }
        return classify(e, what);
    }

    /** The same classification as a {@code check()} problem. */
    static Problem problem(SQLException e, String what) {
        Classified c = describe(e);
        return new Problem(c.code(), what + ": " + c.problem(), c.fix());
    }

    static Classified describe(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = message(e);
        String klass = state.length() >= 2 ? state.substring(0, 2) : "";
        return switch (state) {
            case "28P01", "28000" -> new Classified(ErrorCode.AUTHENTICATION_FAILED, "authentication failed: " + message,
                    "check the connection's user and password (give the password as ${ENV_VAR}) and pg_hba.conf");
            case "3D000" -> new Classified(ErrorCode.CONFIG_INVALID, "database does not exist: " + message,
                    "create the database or fix the database name in the connection's url");
            case "3F000" -> new Classified(ErrorCode.CONFIG_INVALID, "schema does not exist: " + message,
                    "create the schema or set the connection's schema");
            case "42501" -> new Classified(ErrorCode.PERMISSION_DENIED, "permission denied: " + message,
                    "grant the privilege to the connection's user (GRANT SELECT for a source, GRANT CREATE ON SCHEMA for a destination)");
            case "42P01" -> new Classified(ErrorCode.TABLE_NOT_FOUND, message, "check the table name and schema");
            case "42703" -> new Classified(ErrorCode.COLUMN_NOT_FOUND, message, "check the column names of the model");
            case "42P10" -> new Classified(ErrorCode.INCOMPATIBLE_DESTINATION, message,
                    "add a unique constraint on the primary key columns, or drop the table so that Tidemark recreates it");
            case "42804", "42846" -> new Classified(ErrorCode.INCOMPATIBLE_DESTINATION, "column type mismatch: " + message,
                    "change the destination column's type, or drop the table so that Tidemark recreates it");
            case "2BP01" -> new Classified(ErrorCode.INCOMPATIBLE_DESTINATION, "other objects depend on the table: " + message,
                    "drop or detach the dependent objects, or write in upsert mode instead of replacing the table");
            case "53100" -> new Classified(ErrorCode.DISK_FULL, "the database server's disk is full: " + message,
                    "free disk space on the Postgres server; the run can be retried");
            case "53300" -> new Classified(ErrorCode.CONNECTION_FAILED, "too many connections: " + message,
                    "raise max_connections or run fewer syncs at once; the run can be retried");
            case "57014" -> new Classified(ErrorCode.CANCELLED, "the statement was cancelled: " + message, "run again");
            case "57P01", "57P02", "57P03" -> connectionFailed(message);
            case "0A000" -> new Classified(ErrorCode.UNSUPPORTED, message, "this Postgres server does not support the operation");
            default -> switch (klass) {
                case "28" -> new Classified(ErrorCode.AUTHENTICATION_FAILED, "not authorized: " + message,
                        "check the connection's user and password (give the password as ${ENV_VAR})");
                case "08" -> connectionFailed(message);
                case "23" -> new Classified(ErrorCode.DESTINATION_REJECTED, "a row breaks a constraint: " + message,
                        "fix the rows at the source or the constraint at the destination");
                case "22" -> new Classified(ErrorCode.SOURCE_DATA_INVALID, "invalid value: " + message,
                        "fix or filter the value at the source, or widen the destination column");
                case "40" -> new Classified(ErrorCode.IO_ERROR, "the transaction was aborted by a concurrent one: " + message,
                        "retry the run");
                case "53" -> new Classified(ErrorCode.IO_ERROR, "the server is out of resources: " + message,
                        "check the Postgres server's memory and limits; the run can be retried");
                case "42" -> new Classified(ErrorCode.CONFIG_INVALID, "invalid SQL: " + message, "fix the model's query or names");
                default -> hasIoCause(e) ? connectionFailed(message)
                        : new Classified(ErrorCode.INTERNAL, "unexpected Postgres error" + (state.isEmpty() ? "" : " " + state) + ": " + message,
                        "report this as a Tidemark bug with the message");
            };
        };
    }

    private static Classified connectionFailed(String message) {
        return new Classified(ErrorCode.CONNECTION_FAILED, "cannot reach the server: " + message,
                "check that Postgres is running at the url's host and port and accepts TCP connections from here"
                        + " (listen_addresses, pg_hba.conf, firewall); the run can be retried");
    }

    /** The server's detail line ({@code Key (id)=(5) is duplicated.}), else its message. */
    static String detail(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        return server != null && server.getDetail() != null ? server.getDetail() : message(e);
    }

    /**
     * The server's primary message with its detail and location (COPY line and column), else the driver's message
     * with its root cause, which names what failed (an unknown host, a refused connection).
     */
    private static String message(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (server == null || server.getMessage() == null) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            if (root instanceof UnknownHostException) return "unknown host " + root.getMessage();
            return root == e || root.getMessage() == null || e.getMessage().contains(root.getMessage()) ? e.getMessage()
                    : e.getMessage() + " (" + root.getMessage() + ")";
        }
        StringBuilder out = new StringBuilder(server.getMessage());
        if (server.getDetail() != null) out.append(" (").append(server.getDetail()).append(')');
        if (server.getWhere() != null) out.append(" [").append(server.getWhere().replace('\n', ' ')).append(']');
        return out.toString();
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) if (t instanceof IOException) return true;
        return false;
    }
}
