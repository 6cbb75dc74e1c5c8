package io.tidemark.connector.postgres;

import io.tidemark.api.StreamId;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/** SQL text helpers: quoting, derived identifiers and one-shot statements. */
final class Sql {
    /** Postgres truncates longer identifiers silently (NAMEDATALEN - 1). */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private Sql() {}

    /** Always quotes, so that names are taken exactly as given (case, reserved words). */
    static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String table(StreamId resolved) {
        return ident(resolved.namespace()) + "." + ident(resolved.name());
    }

    static String identList(List<String> names) {
        return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }

    /** A string literal that reads the same whatever {@code standard_conforming_strings} is set to. */
    static String literal(String text) {
        String quoted = text.replace("'", "''");
        return quoted.indexOf('\\') < 0 ? "'" + quoted + "'" : "E'" + quoted.replace("\\", "\\\\") + "'";
    }

    /**
     * {@code base + suffix}, kept within Postgres' identifier limit: a long base is cut and made unique again with
     * a hash of the whole base, so that two long table names never share a derived name.
     */
    static String derivedName(String base, String suffix) {
        String name = base + suffix;
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) return name;
        String hash = "_" + Integer.toHexString(base.hashCode());
        int budget = MAX_IDENTIFIER_BYTES - suffix.length() - hash.length();
        int end = 0;
        for (int bytes = 0; end < base.length(); ) {
            int cp = base.codePointAt(end);
            bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes > budget) break;
            end += Character.charCount(cp);
        }
        return base.substring(0, end) + hash + suffix;
    }

    /** The URL without its query string, which may carry a password. */
    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs one data-changing statement and returns the rows it inserted, updated or deleted. */
    static long update(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            return s.executeLargeUpdate(sql);
        }
    }
}
