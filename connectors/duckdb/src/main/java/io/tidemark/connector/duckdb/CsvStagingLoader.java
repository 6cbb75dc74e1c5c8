package io.tidemark.connector.duckdb;

import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.jdbc.BulkLoader;
import io.tidemark.jdbc.LoadTarget;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

/**
 * DuckDB's bulk path: rows are spooled as CSV into a temporary file and loaded by DuckDB's parallel CSV reader with
 * one {@code INSERT … SELECT … FROM read_csv(…)} per file, with every column's type given explicitly (nothing is
 * sniffed). Measured on 1M rows of 8 columns: CSV 1.2 s end to end (0.75 s to write the file, 0.48 s to load it),
 * newline-delimited JSON 1.3 s with a file 1.8× larger, so CSV it is.
 *
 * <p>Format: every string quoted (so an empty string is not NULL), NULL as an unquoted {@code \N}, quoted nulls
 * disabled (so a string {@code "\N"} stays a string); temporals in ISO form with microseconds (DuckDB's precision;
 * finer digits are truncated), timestamptz in UTC with {@code Z}; floats as Java prints them ({@code NaN},
 * {@code Infinity}); decimals in plain notation; bytes as base64, decoded in the SELECT.
 */
final class CsvStagingLoader implements BulkLoader {
    /** Spooled characters after which the file is loaded and started afresh: bounds temporary disk use. */
    private static final long FLUSH_CHARS = 128L << 20;
    private static final String NULL = "\\N";
    /** DuckDB's CSV reader refuses longer lines unless told their size ({@code max_line_size}, default 2,000,000 bytes). */
    private static final long DEFAULT_MAX_LINE_BYTES = 2_000_000;
    static final String SPOOL_PREFIX = "tidemark-duckdb-";

    private final Connection connection;
    private final long flushChars;
    private final Path folder;
    private final Path file;
    /** The {@code INSERT … SELECT … FROM read_csv(…} statement without its closing parenthesis: a flush adds per-file options. */
    private final String insert;
    private final ValueFormat[] formats;
    private final boolean sequenced;
    private final StringBuilder line = new StringBuilder(256);
    private Writer out;
    private long spooledChars;
    private long spooledRows;
    /** UTF-8 bytes of the longest line in the file, or a bound on it, when it exceeds DuckDB's default line limit. */
    private long longestLineBytes;

    private CsvStagingLoader(Connection connection, Path folder, LoadTarget target, DuckDbDialect dialect, long flushChars)
            throws IOException {
        this.connection = connection;
        this.flushChars = flushChars;
        this.folder = folder;
        this.file = folder.resolve("rows.csv");
        this.formats = target.columns().stream().map(c -> format(c.type())).toArray(ValueFormat[]::new);
        this.sequenced = target.sequenceColumn().isPresent();
        this.insert = insertSql(dialect, target, file);
        this.out = newWriter();
    }

    static BulkLoader.Factory factory(DuckDbDialect dialect) { return factory(dialect, FLUSH_CHARS); }

    /** @param flushChars spooled characters after which the file is loaded and started afresh */
    static BulkLoader.Factory factory(DuckDbDialect dialect, long flushChars) {
        return (connection, target) -> {
            Path folder = newSpoolFolder();
            try {
                return new CsvStagingLoader(connection, folder, target, dialect, flushChars);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(folder);
                throw e;
            }
        };
    }

    private static String insertSql(DuckDbDialect dialect, LoadTarget target, Path file) {
        List<String> names = new ArrayList<>(target.columns().stream().map(Column::name).toList());
        target.sequenceColumn().ifPresent(names::add);
        List<String> select = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int i = 0; i < target.columns().size(); i++) {
            DataType type = target.columns().get(i).type();
            boolean base64 = type.kind() == DataType.Kind.BYTES;
            select.add(base64 ? "from_base64(c" + i + ")" : "c" + i);
            // JSON arrives as text and is validated by the cast into the JSON column.
            String csvType = base64 || type.kind() == DataType.Kind.JSON ? "VARCHAR" : dialect.typeName(type);
            types.add("'c" + i + "': '" + csvType + "'");
        }
        if (target.sequenceColumn().isPresent()) {
            int i = target.columns().size();
            select.add("c" + i);
            types.add("'c" + i + "': 'BIGINT'");
        }
        return "INSERT INTO " + target.table() + " (" + dialect.columnList(names) + ") SELECT " + String.join(", ", select)
                + " FROM read_csv('" + file.toString().replace("'", "''") + "', columns = {" + String.join(", ", types)
                + "}, header = false, delim = ',', quote = '\"', escape = '\"', nullstr = '\\N', allow_quoted_nulls = false, "
                + "auto_detect = false";
    }

    private Writer newWriter() throws IOException {
        // OutputStreamWriter replaces an unpaired surrogate instead of failing the run on it.
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public void load(List<Object[]> rows, long firstSequence) throws SQLException, IOException {
        long sequence = firstSequence;
        for (Object[] row : rows) {
            line.setLength(0);
            for (int i = 0; i < formats.length; i++) {
                if (i > 0) line.append(',');
                if (row[i] == null) line.append(NULL);
                else formats[i].append(line, row[i]);
            }
            if (sequenced) line.append(',').append(sequence++);
            line.append('\n');
            out.append(line);
            // A row with large values may exceed DuckDB's line limit: its UTF-8 size is counted only when it could.
            if (3L * line.length() > Math.max(DEFAULT_MAX_LINE_BYTES, longestLineBytes)) {
                longestLineBytes = Math.max(longestLineBytes, utf8Length(line));
            }
            spooledChars += line.length();
            spooledRows++;
            if (spooledChars >= flushChars) flush();
        }
    }

    @Override
    public void finish() throws SQLException, IOException { flush(); }

    private void flush() throws SQLException, IOException {
        out.close();
        if (spooledRows > 0) {
            try (Statement s = connection.createStatement()) {
                s.execute(insert + (longestLineBytes > DEFAULT_MAX_LINE_BYTES ? ", max_line_size = " + longestLineBytes : "") + ")");
            }
        }
        out = newWriter();
        spooledChars = 0;
        spooledRows = 0;
        longestLineBytes = 0;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is deleted next
        }
        deleteQuietly(folder);
    }

    /**
     * A fresh folder named after this process, created after removing the folders of processes that died: a
     * {@code kill -9} skips {@link #close()}, and its spool file could be as large as {@link #FLUSH_CHARS}.
     */
    private static Path newSpoolFolder() throws IOException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> spools = Files.newDirectoryStream(temp, SPOOL_PREFIX + "*")) {
            for (Path spool : spools) {
                OptionalLong owner = owner(spool);
                if (owner.isPresent() && ProcessHandle.of(owner.getAsLong()).isEmpty()) deleteQuietly(spool);
            }
        }
        return Files.createTempDirectory(temp, SPOOL_PREFIX + ProcessHandle.current().pid() + "-");
    }

    /** The process id in a spool folder's name, {@code tidemark-duckdb-<pid>-<random>}. */
    private static OptionalLong owner(Path spool) {
        String rest = spool.getFileName().toString().substring(SPOOL_PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            return dash > 0 ? OptionalLong.of(Long.parseLong(rest.substring(0, dash))) : OptionalLong.empty();
        } catch (NumberFormatException notOurs) {
            return OptionalLong.empty();
        }
    }

    private static void deleteQuietly(Path folder) {
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(folder);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless; the OS cleans its temporary folder
        }
    }

    /** Appends the CSV field of a non-null value. */
    @FunctionalInterface
    private interface ValueFormat {
        void append(StringBuilder sb, Object value);
    }

    private static ValueFormat format(DataType type) {
        return switch (type.kind()) {
            case BOOLEAN, INT16, INT32, INT64, FLOAT32, FLOAT64, UUID, DATE -> StringBuilder::append;
            case DECIMAL -> (sb, v) -> sb.append(((BigDecimal) v).toPlainString());
            case STRING, JSON -> (sb, v) -> quoted(sb, (String) v);
            case BYTES -> (sb, v) -> sb.append('"').append(Base64.getEncoder().encodeToString((byte[]) v)).append('"');
            case TIME -> (sb, v) -> time(sb, (LocalTime) v);
            case TIMESTAMP -> (sb, v) -> timestamp(sb, (LocalDateTime) v);
            case TIMESTAMPTZ -> (sb, v) -> timestamp(sb, ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()).append('Z');
        };
    }

    /** The length of {@code text} in UTF-8 (an unpaired surrogate, written as {@code ?}, counted as more). */
    private static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private static void quoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') sb.append('"');
            sb.append(c);
        }
        sb.append('"');
    }

    private static StringBuilder timestamp(StringBuilder sb, LocalDateTime t) {
        LocalDate d = t.toLocalDate();
        sb.append(d).append(' ');
        return time(sb, t.toLocalTime());
    }

    private static StringBuilder time(StringBuilder sb, LocalTime t) {
        twoDigits(sb, t.getHour()).append(':');
        twoDigits(sb, t.getMinute()).append(':');
        twoDigits(sb, t.getSecond());
        int micros = t.getNano() / 1_000;
        if (micros != 0) {
            sb.append('.');
            String digits = Integer.toString(micros);
            sb.append("000000", 0, 6 - digits.length()).append(digits);
        }
        return sb;
    }

    private static StringBuilder twoDigits(StringBuilder sb, int value) {
        return (value < 10 ? sb.append('0') : sb).append(value);
    }
}
