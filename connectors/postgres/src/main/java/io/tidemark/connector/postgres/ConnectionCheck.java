package io.tidemark.connector.postgres;

import io.tidemark.api.CheckReport;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@code check()} for both roles: reachability, login, server version, and the privileges the role needs. */
final class ConnectionCheck {
    enum Role { SOURCE, DESTINATION }

    /** Identity columns (staging tables) need Postgres 10. */
    private static final int MIN_SERVER_VERSION = 100_000;

    private ConnectionCheck() {}

    static CheckReport run(PostgresConfig config, Role role) {
        List<String> passed = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        String what = config.label();
        try (Connection c = config.connect()) {
            String user;
            try (PreparedStatement ps = c.prepareStatement("select current_user, current_setting('server_version'),"
                    + " current_setting('server_version_num')::int, exists (select 1 from pg_namespace where nspname = ?)")) {
                ps.setString(1, config.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    user = rs.getString(1);
                    passed.add("connected to " + config.endpoint() + " as " + user + " (PostgreSQL " + rs.getString(2) + ")");
                    if (rs.getInt(3) < MIN_SERVER_VERSION) {
                        problems.add(new Problem(ErrorCode.UNSUPPORTED, what + ": PostgreSQL " + rs.getString(2) + " is too old",
                                "upgrade the server to PostgreSQL 10 or newer"));
                    }
                    if (!rs.getBoolean(4)) {
                        problems.add(new Problem(ErrorCode.CONFIG_INVALID, what + ": schema " + config.schema() + " does not exist (schemas: "
                                + String.join(", ", PgCatalog.schemaNames(c)) + ")", "set the connection's schema to an existing one or create it"));
                        return new CheckReport(passed, problems);
                    }
                }
            }
            if (role == Role.SOURCE) checkReadable(c, config, user, passed, problems);
            else checkWritable(c, config, user, passed, problems);
        } catch (SQLException e) {
            problems.add(PostgresErrors.problem(e, what));
        }
        return new CheckReport(passed, problems);
    }

    private static void checkReadable(Connection c, PostgresConfig config, String user, List<String> passed, List<Problem> problems) throws SQLException {
        String schema = config.schema();
        if (!privilege(c, "select has_schema_privilege(?, 'USAGE')", schema)) {
            problems.add(new Problem(ErrorCode.PERMISSION_DENIED, config.label() + ": user " + user + " cannot use schema " + schema,
                    "run: GRANT USAGE ON SCHEMA " + Sql.ident(schema) + " TO " + Sql.ident(user)));
            return;
        }
        List<String> unreadable = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                + " where n.nspname = ? and c.relkind in ('r', 'p', 'v', 'm', 'f') and not has_table_privilege(c.oid, 'SELECT') order by 1")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) unreadable.add(rs.getString(1));
            }
        }
        if (unreadable.isEmpty()) {
            passed.add("user " + user + " can read the tables of schema " + schema);
        } else {
            problems.add(new Problem(ErrorCode.PERMISSION_DENIED, config.label() + ": user " + user + " cannot read "
                    + PgCatalog.abbreviatedList(unreadable) + " in schema " + schema,
                    "run: GRANT SELECT ON ALL TABLES IN SCHEMA " + Sql.ident(schema) + " TO " + Sql.ident(user)));
        }
    }

    private static void checkWritable(Connection c, PostgresConfig config, String user, List<String> passed, List<Problem> problems) throws SQLException {
        String schema = config.schema();
        if (privilege(c, "select has_schema_privilege(?, 'CREATE') and has_schema_privilege(?, 'USAGE')", schema, schema)) {
            passed.add("user " + user + " can create tables in schema " + schema);
        } else {
            problems.add(new Problem(ErrorCode.PERMISSION_DENIED, config.label() + ": user " + user + " cannot create tables in schema " + schema,
                    "run: GRANT USAGE, CREATE ON SCHEMA " + Sql.ident(schema) + " TO " + Sql.ident(user)));
        }
    }

    private static boolean privilege(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
