package io.tidemark.connector.postgres;

import io.tidemark.api.CheckReport;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;
import io.tidemark.api.StreamId;
import io.tidemark.api.TidemarkException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The prerequisites of capturing one table from the log: {@code wal_level}, the replication privilege, a free slot
 * and sender, the publication, and the table's replica identity. Reports every problem at once.
 */
final class CaptureCheck {
    private CaptureCheck() {}

    static CheckReport run(PostgresConfig config, StreamId table, String slot) {
        List<String> passed = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        String what = config.label();
        try (Connection c = config.connect()) {
            server(c, what, slot, passed, problems);
            tableChecks(c, what, table, slot, passed, problems);
        } catch (SQLException e) {
            problems.add(PostgresErrors.problem(e, what));
        }
        return new CheckReport(passed, problems);
    }

    private static void server(Connection c, String what, String slot, List<String> passed, List<Problem> problems) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select current_setting('wal_level'), r.rolname, r.rolsuper, r.rolreplication,"
                + " case when exists (select 1 from pg_roles where rolname = 'rds_replication')"
                + " then pg_has_role(r.oid, 'rds_replication', 'member') else false end,"
                + " current_setting('max_replication_slots')::int, (select count(*) from pg_replication_slots where slot_name <> ?),"
                + " current_setting('max_wal_senders')::int, (select count(*) from pg_stat_replication)"
                + " from pg_roles r where r.rolname = current_user")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String walLevel = rs.getString(1);
                String user = rs.getString(2);
                if ("logical".equals(walLevel)) {
                    passed.add("wal_level is logical");
                } else {
                    problems.add(new Problem(ErrorCode.CONFIG_INVALID, what + ": wal_level is " + walLevel + "; change capture needs logical",
                            "run ALTER SYSTEM SET wal_level = logical; then restart Postgres (managed services: set the logical"
                                    + " replication parameter of the instance)"));
                }
                if (rs.getBoolean(3) || rs.getBoolean(4) || rs.getBoolean(5)) {
                    passed.add("user " + user + " may replicate");
                } else {
                    problems.add(new Problem(ErrorCode.PERMISSION_DENIED, what + ": user " + user + " lacks the REPLICATION privilege",
                            "run as a superuser: ALTER ROLE " + Sql.ident(user) + " WITH REPLICATION (on RDS: GRANT rds_replication TO "
                                    + Sql.ident(user) + ")"));
                }
                int maxSlots = rs.getInt(6);
                long usedSlots = rs.getLong(7);
                if (usedSlots < maxSlots) {
                    passed.add("a replication slot is free (" + usedSlots + " of " + maxSlots + " in use)");
                } else {
                    problems.add(new Problem(ErrorCode.CONFIG_INVALID, what + ": all " + maxSlots + " replication slots are in use",
                            "drop slots no longer needed (SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE …),"
                                    + " or raise max_replication_slots (ALTER SYSTEM SET max_replication_slots = " + (maxSlots + 4)
                                    + "; then restart Postgres)"));
                }
                int maxSenders = rs.getInt(8);
                long usedSenders = rs.getLong(9);
                if (usedSenders < maxSenders) {
                    passed.add("a WAL sender is free (" + usedSenders + " of " + maxSenders + " in use)");
                } else {
                    problems.add(new Problem(ErrorCode.CONFIG_INVALID, what + ": all " + maxSenders + " WAL senders (max_wal_senders) are in use",
                            "raise max_wal_senders (ALTER SYSTEM SET max_wal_senders = " + (maxSenders + 4) + "; then restart Postgres),"
                                    + " or stop other replication clients"));
                }
            }
        }
    }

    private static void tableChecks(Connection c, String what, StreamId table, String publication, List<String> passed,
                                    List<Problem> problems) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select c.relkind, c.relreplident,"
                + " exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary),"
                + " exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisreplident),"
                + " has_table_privilege(c.oid, 'SELECT'),"
                + " exists (select 1 from pg_publication_tables p where p.pubname = ? and p.schemaname = n.nspname and p.tablename = c.relname),"
                + " (select pg_has_role(p.pubowner, 'USAGE') from pg_publication p where p.pubname = ?),"
                + " pg_has_role(c.relowner, 'USAGE'), has_database_privilege(current_database(), 'CREATE'), current_user, current_database()"
                + " from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname = ?")) {
            ps.setString(1, publication);
            ps.setString(2, publication);
            ps.setString(3, table.namespace());
            ps.setString(4, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    TidemarkException missing = PgCatalog.tableNotFound(c, what, table);
                    problems.add(Problem.of(missing, "check the model's table"));
                    return;
                }
                String kind = rs.getString(1);
                if (!"r".equals(kind)) {
                    problems.add(new Problem(ErrorCode.UNSUPPORTED, what + ": " + table + " is not a plain table (relkind " + kind
                            + "); change capture reads tables", "capture the underlying tables, or use another sync type"));
                    return;
                }
                String qualified = Sql.table(table);
                replicaIdentity(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), what, table, qualified, passed, problems);
                String user = rs.getString(10);
                if (rs.getBoolean(5)) {
                    passed.add("user " + user + " can read " + table);
                } else {
                    problems.add(new Problem(ErrorCode.PERMISSION_DENIED, what + ": user " + user + " cannot read " + table,
                            "run: GRANT SELECT ON " + qualified + " TO " + Sql.ident(user)));
                }
                boolean published = rs.getBoolean(6);
                boolean publicationExists = rs.getObject(7) != null;
                boolean ownsTable = rs.getBoolean(8);
                boolean canCreate = publicationExists ? rs.getBoolean(7) : rs.getBoolean(9);
                if (published) {
                    passed.add("publication " + publication + " holds " + table);
                } else if (ownsTable && canCreate) {
                    passed.add("user " + user + " can " + (publicationExists ? "alter" : "create") + " publication " + publication);
                } else {
                    String statement = (publicationExists ? "ALTER PUBLICATION " + Sql.ident(publication) + " SET TABLE "
                            : "CREATE PUBLICATION " + Sql.ident(publication) + " FOR TABLE ") + qualified;
                    String lacks = !ownsTable ? "does not own " + table
                            : publicationExists ? "does not own publication " + publication : "lacks CREATE on database " + rs.getString(11);
                    problems.add(new Problem(ErrorCode.PERMISSION_DENIED, what + ": user " + user + " cannot " + (publicationExists ? "alter" : "create")
                            + " publication " + publication + " for " + table + ": it " + lacks,
                            "run as the table's owner or a superuser: " + statement + " (Tidemark then uses it)"));
                }
            }
        }
    }

    /**
     * Updates and deletes are only logged with the row's identity: the primary key (default), a chosen unique index,
     * or the whole row. Without one, Postgres even refuses updates of a published table.
     */
    private static void replicaIdentity(String identity, boolean hasPrimaryKey, boolean hasIdentityIndex, String what, StreamId table,
                                        String qualified, List<String> passed, List<Problem> problems) {
        String problem = switch (identity) {
            case "f" -> null;
            case "d" -> hasPrimaryKey ? null : "has no primary key (replica identity default)";
            case "i" -> hasIdentityIndex ? null : "has replica identity using an index that no longer exists";
            default -> "has replica identity nothing";
        };
        if (problem == null) {
            passed.add(table + " has a replica identity (" + switch (identity) {
                case "f" -> "full";
                case "i" -> "index";
                default -> "primary key";
            } + ")");
        } else {
            problems.add(new Problem(ErrorCode.CONFIG_INVALID, what + ": " + table + " " + problem + ", so updates and deletes cannot be captured",
                    "run: ALTER TABLE " + qualified + " REPLICA IDENTITY FULL (or add a primary key)"));
        }
    }
}
