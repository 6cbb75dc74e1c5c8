package io.tidemark.engine.diff;

import io.tidemark.api.ChangeClass;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A diff sync's snapshots: per model row its primary key and a 64-bit hash of the sent columns (plus the matching
 * values when they are not the key), in an embedded DuckDB file of the workspace, one file per sync. Each committed
 * snapshot is the table {@code snapshot_<version>}, version = the run that sent it; a run loads the model into
 * the temporary table {@code pending}, hash-joins it with its base snapshot into {@code delta}, and after the
 * destination accepted the changes saves {@code pending} as its own version. The destination's checkpoint names the version that counts,
 * so a crash between the two commits leaves both tables and the next run keeps the one the destination names.
 */
public final class SnapshotStore implements AutoCloseable {
    private static final String PENDING = "pending";
    private static final String DELTA = "delta";
    private static final String TEMP = "temp";

    private final Path file;
    private final DuckDBConnection connection;

    private SnapshotStore(Path file, DuckDBConnection connection) {
        this.file = file;
        this.connection = connection;
    }

    public static SnapshotStore open(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("SET preserve_insertion_order = false");
                s.execute("SET temp_directory = '" + file.toAbsolutePath().getParent().resolve("duckdb.tmp").toString().replace("'", "''") + "'");
                return new SnapshotStore(file, c.unwrap(DuckDBConnection.class));
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        } catch (SQLException | java.io.IOException e) {
            throw new TidemarkException(ErrorCode.IO_ERROR, "cannot open the change-tracking store " + file + ": " + e.getMessage()
                    + (String.valueOf(e.getMessage()).contains("lock") ? "; another Tidemark process is running this sync, wait for it" : "; check the workspace's .tidemark folder"), e);
        }
    }

    public Path file() { return file; }

    private static String table(long version) { return "snapshot_" + version; }

    public boolean exists(long version) {
        return tables().contains(table(version));
    }

    /** Drops every snapshot but {@code keep} (and any leftovers of an interrupted run). */
    public void retainOnly(OptionalLong keep) {
        for (String t : tables()) {
            if (keep.isPresent() && t.equals(table(keep.getAsLong()))) continue;
            execute("DROP TABLE IF EXISTS " + t);
        }
    }

    public long rows(long version) {
        return queryLong("SELECT count(*) FROM " + table(version));
    }

    private List<String> tables() {
        List<String> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary")) {
            while (rs.next()) out.add(rs.getString(1));
        } catch (SQLException e) {
            throw failure("list snapshots", e);
        }
        return out;
    }

    /** Starts loading the model's rows into {@code pending}. */
    public Loader load(ChangeShape shape) {
        Layout layout = new Layout(shape);
        execute("DROP TABLE IF EXISTS " + PENDING);
        execute("DROP TABLE IF EXISTS " + DELTA);
        // A temporary table: appending millions of rows to it writes no WAL; the snapshot is persisted in one bulk
        // CREATE TABLE AS at commit.
        execute("CREATE TEMP TABLE " + PENDING + " (" + layout.columnsDdl() + ", h BIGINT NOT NULL, o BIGINT NOT NULL)");
        try {
            // One transaction for the whole load: otherwise every appender flush (each 2,048 rows) commits on its own.
            connection.setAutoCommit(false);
            return new Loader(layout, connection.createAppender(TEMP, DuckDBConnection.DEFAULT_SCHEMA, PENDING));
        } catch (SQLException e) {
            throw failure("load the model", e);
        }
    }

    /** The model's rows, as key and hash. */
    public final class Loader implements AutoCloseable {
        private final Layout layout;
        private final DuckDBAppender appender;
        private DuckDBAppender rejected;
        private boolean hasRejections;
        private boolean loaded;

        private Loader(Layout layout, DuckDBAppender appender) {
            this.layout = layout;
            this.appender = appender;
        }

        /** @param offset where the row's full values are kept ({@link RowSpill}), or -1 */
        public void add(Object[] modelRow, long hash, long offset) {
            try {
                appender.beginRow();
                layout.appendIdentity(appender, modelRow);
                appender.append(hash).append(offset).endRow();
            } catch (SQLException e) {
                throw failure("load the model", e);
            }
        }

        @Override
        public void close() {
            if (loaded) return;
            loaded = true;
            try {
                appender.close();
                connection.commit();
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                throw failure("load the model", e);
            }
        }

        /** Up to {@code limit} primary keys that occur more than once in the model, rendered as text. */
        public List<String> duplicateKeys(int limit) {
            close();
            String keys = layout.keyList();
            List<String> out = new ArrayList<>();
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + keys + ", count(*) FROM " + PENDING + " GROUP BY " + keys
                         + " HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT " + limit)) {
                while (rs.next()) out.add(layout.render(layout.readKey(rs, 1)) + " (" + rs.getLong(layout.keyCount() + 1) + " times)");
            } catch (SQLException e) {
                throw failure("check the model's keys", e);
            }
            return out;
        }

        /**
         * Classifies every row against {@code base} (empty: everything is added) into {@code delta}; returns the counts.
         */
        public Map<ChangeClass, Long> classify(OptionalLong base) {
            close();
            String keys = layout.keyList();
            if (base.isEmpty()) {
                execute("CREATE TEMP TABLE " + DELTA + " AS SELECT 'added' AS c, o, " + layout.identityList("") + " FROM " + PENDING);
            } else {
                String s = table(base.getAsLong());
                execute("CREATE TEMP TABLE " + DELTA + " AS SELECT CASE WHEN s.h IS NULL THEN 'added' WHEN p.h IS NULL THEN 'removed' ELSE 'changed' END AS c, "
                        + "coalesce(p.o, -1) AS o, " + IntStream.range(0, layout.keyCount()).mapToObj(i -> "coalesce(p.k" + i + ", s.k" + i + ") AS k" + i)
                        .collect(Collectors.joining(", ")) + layout.matchList(", s.")
                        + " FROM " + PENDING + " p FULL OUTER JOIN " + s + " s ON " + layout.joinOn("p", "s")
                        + " WHERE p.h IS DISTINCT FROM s.h");
            }
            Map<ChangeClass, Long> counts = new EnumMap<>(ChangeClass.class);
            for (ChangeClass c : ChangeClass.values()) counts.put(c, 0L);
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT c, count(*) FROM " + DELTA + " GROUP BY c")) {
                while (rs.next()) counts.put(ChangeClass.of(rs.getString(1)), rs.getLong(2));
            } catch (SQLException e) {
                throw failure("classify the changes", e);
            }
            return counts;
        }

        /** Added and changed rows in spill order: {@code visitor} gets each row's class and spill offset. */
        public void forEachSent(int limitPerClass, SentVisitor visitor) {
            String limit = limitPerClass < 0 ? "" : " QUALIFY row_number() OVER (PARTITION BY c ORDER BY o) <= " + limitPerClass;
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT c, o FROM " + DELTA + " WHERE c <> 'removed'" + limit + " ORDER BY o")) {
                while (rs.next()) visitor.visit(ChangeClass.of(rs.getString(1)), rs.getLong(2));
            } catch (SQLException e) {
                throw failure("read the changes", e);
            }
        }

        /** Removed rows: {@code visitor} gets the model key and the destination matching values. */
        public void forEachRemoved(int limit, RemovedVisitor visitor) {
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + keys() + layout.matchList(", ") + " FROM " + DELTA + " d WHERE c = 'removed'"
                         + layout.matchStillLive("d", PENDING) + (limit < 0 ? "" : " LIMIT " + limit))) {
                while (rs.next()) {
                    List<Object> key = layout.readKey(rs, 1);
                    visitor.visit(key, layout.readMatch(rs, layout.keyCount() + 1, key));
                }
            } catch (SQLException e) {
                throw failure("read the removals", e);
            }
        }

        private String keys() { return layout.keyList(); }

        /** Records a change the destination refused, so {@link #commit} keeps it out of the snapshot. */
        public void reject(ChangeClass change, List<Object> key, String reason) {
            try {
                if (rejected == null) {
                    execute("CREATE OR REPLACE TEMP TABLE rejected (c VARCHAR, " + layout.keyDdl() + ", reason VARCHAR)");
                    rejected = connection.createAppender(TEMP, DuckDBConnection.DEFAULT_SCHEMA, "rejected");
                }
                rejected.beginRow().append(change.configName());
                layout.appendKey(rejected, key);
                rejected.append(reason).endRow();
            } catch (SQLException e) {
                throw failure("record a rejected row", e);
            }
        }

        /** Drops the run's work tables (pending, if not committed; the classification; rejections). */
        public void dropWorkTables() {
            close();
            closeRejected();
            for (String t : List.of(PENDING, DELTA, "rejected")) execute("DROP TABLE IF EXISTS " + t);
        }

        /** Every classified row with its rendered key and, when refused, the destination's reason. */
        public void forEachChange(ChangeVisitor visitor) {
            closeRejected();
            String join = hasRejections ? " LEFT JOIN rejected r ON r.c = d.c AND " + layout.joinOn("d", "r") : "";
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT d.c, " + layout.keyList("d.")
                         + (join.isEmpty() ? ", NULL" : ", r.reason") + " FROM " + DELTA + " d" + join)) {
                while (rs.next()) {
                    visitor.visit(ChangeClass.of(rs.getString(1)), layout.render(layout.readKey(rs, 2)), rs.getString(layout.keyCount() + 2));
                }
            } catch (SQLException e) {
                throw failure("read the changes", e);
            }
        }

        private void closeRejected() {
            if (rejected == null) return;
            try {
                rejected.close();
            } catch (SQLException e) {
                throw failure("record rejected rows", e);
            }
            rejected = null;
            hasRejections = true;
        }

        /**
         * Makes {@code pending} the snapshot {@code version}, leaving out what the destination did not accept so it is
         * retried: a rejected added row is dropped, a rejected changed row keeps its base hash, a rejected removed row
         * is kept from the base.
         */
        public void commit(long version, OptionalLong base) {
            closeRejected();
            try {
                connection.setAutoCommit(false);
                if (hasRejections) applyRejections(base);
                execute("DROP TABLE IF EXISTS " + table(version));
                execute("CREATE TABLE " + table(version) + " AS SELECT " + layout.identityList("") + ", h FROM " + PENDING);
                execute("COMMENT ON TABLE " + table(version) + " IS '" + layout.describe().replace("'", "''") + "'");
                execute("DROP TABLE " + PENDING);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the failure below says what went wrong
                }
                throw e instanceof TidemarkException t ? t : failure("save the snapshot", e instanceof SQLException q ? q : new SQLException(e));
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the connection is closed with the store
                }
            }
        }

        private void applyRejections(OptionalLong base) {
            String keys = layout.keyList();
            execute("DELETE FROM " + PENDING + " WHERE (" + keys + ") IN (SELECT " + keys + " FROM rejected WHERE c = 'added')");
            if (base.isPresent()) {
                String s = table(base.getAsLong());
                execute("UPDATE " + PENDING + " p SET h = s.h" + layout.matchAssignments("s") + " FROM " + s + " s, rejected r WHERE r.c = 'changed' AND "
                        + layout.joinOn("p", "s") + " AND " + layout.joinOn("p", "r"));
                execute("INSERT INTO " + PENDING + " SELECT s.*, -1 FROM " + s + " s JOIN rejected r ON " + layout.joinOn("s", "r")
                        + " WHERE r.c = 'removed'");
            }
        }
    }

    /** Whether snapshot {@code version} was taken with the same key and matching columns (names and kinds). */
    public boolean fits(long version, ChangeShape shape) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT comment FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary AND table_name = ?")) {
            ps.setString(1, table(version));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && new Layout(shape).describe().equals(rs.getString(1));
            }
        } catch (SQLException e) {
            throw failure("read the snapshot", e);
        }
    }

    /** The matching values snapshot {@code version} holds for {@code key}: how its destination record is found. */
    public Optional<List<Object>> matchOf(ChangeShape shape, long version, List<Object> key) {
        Layout layout = new Layout(shape);
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + layout.identityList("") + " FROM " + table(version)
                + " WHERE " + layout.keyEquals())) {
            for (int i = 0; i < layout.keyCount(); i++) ps.setObject(i + 1, layout.keyValue(i, key.get(i)));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(layout.readMatch(rs, layout.keyCount() + 1, layout.readKey(rs, 1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("look up a key", e);
        }
    }

    /** The hash snapshot {@code version} holds for {@code key}, if it holds the key. */
    public OptionalLong hashOf(ChangeShape shape, long version, List<Object> key) {
        Layout layout = new Layout(shape);
        try (PreparedStatement ps = connection.prepareStatement("SELECT h FROM " + table(version) + " WHERE " + layout.keyEquals())) {
            for (int i = 0; i < layout.keyCount(); i++) ps.setObject(i + 1, layout.keyValue(i, key.get(i)));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw failure("look up a key", e);
        }
    }

    private void execute(String sql) {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure("update the snapshot", e);
        }
    }

    private long queryLong(String sql) {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure("read the snapshot", e);
        }
    }

    private TidemarkException failure(String what, SQLException e) {
        String message = String.valueOf(e.getMessage());
        boolean full = message.contains("No space left") || message.contains("disk is full");
        boolean io = full || message.contains("IO Error") || message.contains("lock");
        ErrorCode code = full ? ErrorCode.DISK_FULL : io ? ErrorCode.IO_ERROR : ErrorCode.INTERNAL;
        return new TidemarkException(code, "cannot " + what + " in the change-tracking store " + file + ": " + message
                + (full ? "; free disk space in the workspace's .tidemark folder and run again"
                : io ? "; check that the workspace's .tidemark folder is writable and not used by another process, then run again"
                : "; this is a bug, please report it (rerun with -v for details)"), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }

    @FunctionalInterface
    public interface ChangeVisitor {
        void visit(ChangeClass change, String key, String rejectedReason);
    }

    @FunctionalInterface
    public interface SentVisitor {
        void visit(ChangeClass change, long offset);
    }

    @FunctionalInterface
    public interface RemovedVisitor {
        void visit(List<Object> key, List<Object> match);
    }

    /**
     * The snapshot's columns for a shape: {@code k0…} the primary key (integers as BIGINT, anything else as its
     * canonical text), {@code m0…} the matching values as text when they are not the key.
     */
    private static final class Layout {
        private final ChangeShape shape;
        private final DataType[] keyTypes;
        private final boolean[] integerKey;
        private final DataType[] matchTypes;

        Layout(ChangeShape shape) {
            this.shape = shape;
            List<Column> columns = shape.model().columns();
            this.keyTypes = java.util.Arrays.stream(shape.keyColumns()).mapToObj(i -> columns.get(i).type()).toArray(DataType[]::new);
            this.integerKey = new boolean[keyTypes.length];
            for (int i = 0; i < keyTypes.length; i++) {
                DataType.Kind k = keyTypes[i].kind();
                integerKey[i] = k == DataType.Kind.INT16 || k == DataType.Kind.INT32 || k == DataType.Kind.INT64;
            }
            this.matchTypes = shape.matchIsKey() ? new DataType[0]
                    : java.util.Arrays.stream(shape.matchColumns()).mapToObj(i -> columns.get(i).type()).toArray(DataType[]::new);
        }

        int keyCount() { return keyTypes.length; }

        String keyDdl() {
            return IntStream.range(0, keyTypes.length).mapToObj(i -> "k" + i + (integerKey[i] ? " BIGINT" : " VARCHAR")).collect(Collectors.joining(", "));
        }

        String columnsDdl() {
            StringJoiner j = new StringJoiner(", ");
            j.add(keyDdl());
            for (int i = 0; i < matchTypes.length; i++) j.add("m" + i + " VARCHAR");
            return j.toString();
        }

        String keyList() { return keyList(""); }

        String keyList(String prefix) {
            return IntStream.range(0, keyTypes.length).mapToObj(i -> prefix + "k" + i).collect(Collectors.joining(", "));
        }

        String identityList(String prefix) { return keyList(prefix) + matchList(", " + prefix); }

        String matchList(String prefix) {
            return IntStream.range(0, matchTypes.length).mapToObj(i -> prefix + "m" + i).collect(Collectors.joining(""));
        }

        String keyEquals() {
            return IntStream.range(0, keyTypes.length).mapToObj(i -> "k" + i + " = ?").collect(Collectors.joining(" AND "));
        }

        /** {@code , m0 = s.m0, …}: a rejected change keeps the matching values its record was last found by. */
        String matchAssignments(String from) {
            return IntStream.range(0, matchTypes.length).mapToObj(i -> ", m" + i + " = " + from + ".m" + i).collect(Collectors.joining());
        }

        /**
         * Leaves out removals whose matching values a row still in the model holds: that record belongs to the live row
         * now. Nothing to add when matching is by key (a removed key is by definition not in the model).
         */
        String matchStillLive(String removed, String live) {
            if (matchTypes.length == 0) return "";
            return " AND NOT EXISTS (SELECT 1 FROM " + live + " l WHERE " + IntStream.range(0, matchTypes.length)
                    .mapToObj(i -> "l.m" + i + " = " + removed + ".m" + i).collect(Collectors.joining(" AND ")) + ")";
        }

        /** What a snapshot's rows identify, stored with it: comparing with another layout would be meaningless. */
        String describe() {
            List<Column> columns = shape.model().columns();
            String key = java.util.Arrays.stream(shape.keyColumns()).mapToObj(i -> columns.get(i).name() + ":" + columns.get(i).type().kind())
                    .collect(Collectors.joining(","));
            int[] match = shape.matchColumns();
            String matching = IntStream.range(0, match.length).mapToObj(j -> shape.destination().primaryKey().get(j) + "<-"
                    + columns.get(match[j]).name() + ":" + columns.get(match[j]).type().kind()).collect(Collectors.joining(","));
            return "key=" + key + ";match=" + matching + ";hash=" + RowHasher.SCHEME;
        }

        String joinOn(String a, String b) {
            return IntStream.range(0, keyTypes.length).mapToObj(i -> a + ".k" + i + " = " + b + ".k" + i).collect(Collectors.joining(" AND "));
        }

        Object keyValue(int i, Object value) {
            if (value == null) {
                throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "a row of " + shape.model().id() + " has NULL in primary key column "
                        + shape.model().columns().get(shape.keyColumns()[i]).name() + "; diff syncs need a key on every row: filter such rows out of the model or choose another primary_key");
            }
            return integerKey[i] ? ((Number) value).longValue() : Values.format(keyTypes[i], value);
        }

        void appendKey(DuckDBAppender a, List<Object> key) throws SQLException {
            for (int i = 0; i < keyTypes.length; i++) appendKeyValue(a, i, key.get(i));
        }

        private void appendKeyValue(DuckDBAppender a, int i, Object value) throws SQLException {
            Object v = keyValue(i, value);
            if (v instanceof Long l) a.append(l.longValue()); else a.append((String) v);
        }

        void appendIdentity(DuckDBAppender a, Object[] row) throws SQLException {
            int[] key = shape.keyColumns();
            for (int i = 0; i < key.length; i++) appendKeyValue(a, i, row[key[i]]);
            int[] match = shape.matchColumns();
            for (int i = 0; i < matchTypes.length; i++) {
                Object v = row[match[i]];
                if (v == null) a.appendNull(); else a.append(Values.format(matchTypes[i], v));
            }
        }

        List<Object> readKey(ResultSet rs, int first) throws SQLException {
            List<Object> key = new ArrayList<>(keyTypes.length);
            for (int i = 0; i < keyTypes.length; i++) {
                if (integerKey[i]) {
                    long v = rs.getLong(first + i);
                    key.add(switch (keyTypes[i].kind()) {
                        case INT16 -> (short) v;
                        case INT32 -> (int) v;
                        default -> v;
                    });
                } else {
                    key.add(Values.parse(keyTypes[i], rs.getString(first + i)));
                }
            }
            return key;
        }

        /** The matching values of a removed row: stored ones, or the key itself when matching is by key. */
        List<Object> readMatch(ResultSet rs, int first, List<Object> key) throws SQLException {
            if (matchTypes.length == 0) {
                // Matching fields are the key columns, possibly in another order.
                List<Object> out = new ArrayList<>();
                for (int m : shape.matchColumns()) {
                    for (int k = 0; k < shape.keyColumns().length; k++) if (shape.keyColumns()[k] == m) out.add(key.get(k));
                }
                return out;
            }
            List<Object> out = new ArrayList<>(matchTypes.length);
            for (int i = 0; i < matchTypes.length; i++) out.add(Values.parse(matchTypes[i], rs.getString(first + i)));
            return out;
        }

        String render(List<Object> key) {
            return KeyText.render(java.util.Arrays.stream(shape.keyColumns()).mapToObj(i -> shape.model().columns().get(i).name()).toList(), key);
        }
    }
}
