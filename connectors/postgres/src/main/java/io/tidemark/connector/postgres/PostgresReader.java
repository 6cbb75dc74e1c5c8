package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RawStream;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads one model with binary {@code COPY (select …) TO STDOUT} inside one {@code REPEATABLE READ, READ ONLY}
 * transaction: the cursor's upper bound and the rows come from the same snapshot.
 *
 * <p>Decoded reads cast every column to the type its Tidemark kind is decoded from ({@code ::text} for arrays,
 * intervals, enums…; a no-op for columns already of that type). Raw reads cast every column to its native type
 * instead, which is what the raw format promises and what a Postgres destination creates.
 *
 * <p>A change capture's snapshot reads on a connection it lends ({@link #onConnection}): inside the transaction that
 * holds the capture's exported snapshot, which the reader then neither commits nor closes.
 */
final class PostgresReader implements StreamReader {
    private static final int MAX_INITIAL_BATCH_CAPACITY = 10_000;

    private final Connection connection;
    private final CopyManager copyApi;
    private final StreamSchema schema;
    private final String what;
    /** {@code from <relation> q [where <window>]}. */
    private final String from;
    private final Optional<Object> upperBound;
    private final OptionalLong estimatedRows;
    private final int batchSize;
    private final boolean ownsConnection;
    private CopyOut activeCopy;
    private BinaryCopyReader rows;

    private PostgresReader(Connection connection, CopyManager copyApi, StreamSchema schema, String what, String from,
                           Optional<Object> upperBound, OptionalLong estimatedRows, int batchSize, boolean ownsConnection) {
        this.connection = connection;
        this.copyApi = copyApi;
        this.schema = schema;
        this.what = what;
        this.from = from;
        this.upperBound = upperBound;
        this.estimatedRows = estimatedRows;
        this.batchSize = batchSize;
        this.ownsConnection = ownsConnection;
    }

    static PostgresReader open(PostgresConfig config, ReadRequest request) {
        String what = what(config, request);
        Connection c;
        try {
            c = config.connect();
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
        try {
            c.setAutoCommit(false);
            Sql.execute(c, "set transaction isolation level repeatable read, read only");
            return prepare(c, config, request, what, true);
        } catch (SQLException e) {
            closeQuietly(c);
            throw PostgresErrors.classify(e, what);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** A read inside the transaction {@code c} is in; the connection stays the caller's, open and uncommitted. */
    static PostgresReader onConnection(Connection c, PostgresConfig config, ReadRequest request) {
        String what = what(config, request);
        try {
            return prepare(c, config, request, what, false);
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    private static String what(PostgresConfig config, ReadRequest request) {
        return config.label() + ": reading " + PostgresSource.label(config, request.model());
    }

    private static PostgresReader prepare(Connection c, PostgresConfig config, ReadRequest request, String what, boolean ownsConnection)
            throws SQLException {
        CopyManager copyApi = c.unwrap(PGConnection.class).getCopyAPI();
        String relation = PostgresSource.relation(config, request.model()) + " q";
        Optional<Object> upper = Optional.empty();
        String where = "";
        if (request.window().isPresent()) {
            CursorWindow window = request.window().get();
            PgWireType cursorType = PgWireType.forKind(cursorColumn(request.schema(), window, what).type().kind());
            String cursor = "q." + Sql.ident(window.column());
            String lower = window.lowerInclusive() == null ? null
                    : cursor + " >= " + PgWireType.forKind(window.type().kind()).literal(window.lowerInclusive());
            upper = Optional.ofNullable(scalar(copyApi, "select max(" + cursor + ")::" + cursorType.sqlName() + " from " + relation
                    + (lower == null ? "" : " where " + lower), cursorType, window.column()));
            String bounded = upper.map(u -> cursor + " <= " + cursorType.literal(u)).orElse("false");
            where = " where " + (lower == null ? "" : lower + " and ") + bounded;
        }
        OptionalLong estimate = request.window().isEmpty() && !request.model().isQuery()
                ? reltuples(c, config, request) : OptionalLong.empty();
        return new PostgresReader(c, copyApi, request.schema(), what, " from " + relation + where, upper, estimate, request.batchSize(),
                ownsConnection);
    }

    @Override
    public Optional<Object> cursorUpperBound() { return upperBound; }

    @Override
    public OptionalLong estimatedRows() { return estimatedRows; }

    @Override
    public RowBatch next() {
        try {
            if (rows == null) {
                PgWireType[] types = schema.columns().stream().map(c -> PgWireType.forKind(c.type().kind())).toArray(PgWireType[]::new);
                activeCopy = copyApi.copyOut(copySql(selectList(c -> PgWireType.forKind(c.type().kind()).sqlName())));
                rows = new BinaryCopyReader(activeCopy, types, schema.columnNames());
            }
            List<Object[]> batch = new ArrayList<>(Math.min(batchSize, MAX_INITIAL_BATCH_CAPACITY));
            for (Object[] row; batch.size() < batchSize && (row = rows.next()) != null; ) batch.add(row);
            return batch.isEmpty() ? null : new RowBatch(schema, batch);
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        } catch (TidemarkException e) {
            throw e.withContext(what + ": ");
        }
    }

    /**
     * Offers the rows as binary COPY of the schema's native types when asked for that format and every column has a
     * native Postgres type (a schema described by this connector).
     */
    @Override
    public Optional<RawStream> openRaw(Set<String> acceptedFormats) {
        if (!acceptedFormats.contains(RawStream.POSTGRES_BINARY_COPY) || !PgTypes.isNative(schema) || rows != null) return Optional.empty();
        return Optional.of(new RawCopy(copySql(selectList(Column::nativeType))));
    }

    @Override
    public void close() {
        try {
            if (activeCopy != null && activeCopy.isActive()) activeCopy.cancelCopy();
        } catch (SQLException e) {
            // closing the connection below ends the COPY on the server as well; a lent one is failing anyway
        }
        if (ownsConnection) closeQuietly(connection);
    }

    private final class RawCopy implements RawStream {
        private final String sql;

        RawCopy(String sql) { this.sql = sql; }

        @Override
        public String format() { return POSTGRES_BINARY_COPY; }

        @Override
        public long transferTo(RawSink sink) {
            try {
                activeCopy = copyApi.copyOut(sql);
                for (byte[] chunk = activeCopy.readFromCopy(); chunk != null; chunk = activeCopy.readFromCopy()) {
                    sink.write(chunk, 0, chunk.length);
                }
                return activeCopy.getHandledRowCount();
            } catch (SQLException e) {
                throw PostgresErrors.classify(e, what);
            }
        }
    }

    private String selectList(Function<Column, String> castType) {
        return schema.columns().stream().map(c -> "q." + Sql.ident(c.name()) + "::" + castType.apply(c)).collect(Collectors.joining(", "));
    }

    private String copySql(String selectList) {
        return "COPY (select " + selectList + from + ") TO STDOUT (FORMAT binary)";
    }

    private static Column cursorColumn(StreamSchema schema, CursorWindow window, String what) {
        Column column = schema.column(window.column()).orElseThrow(() -> new TidemarkException(ErrorCode.COLUMN_NOT_FOUND,
                what + ": cursor column \"" + window.column() + "\" not found (columns: " + String.join(", ", schema.columnNames())
                        + "); set cursor_field to one of them"));
        DataType.Kind kind = column.type().kind();
        if (kind != window.type().kind() && !(kind.isNumeric() && window.type().kind().isNumeric())) {
            throw new TidemarkException(ErrorCode.CURSOR_TYPE_MISMATCH, what + ": cursor column \"" + window.column() + "\" is "
                    + column.type() + " but the sync's cursor is " + window.type() + "; set cursor_type to match the column");
        }
        return column;
    }

    /** One value from a one-column query, decoded like the rows so that it has exactly their Java type. */
    private static Object scalar(CopyManager copyApi, String select, PgWireType type, String name) throws SQLException {
        BinaryCopyReader reader = new BinaryCopyReader(copyApi.copyOut("COPY (" + select + ") TO STDOUT (FORMAT binary)"),
                new PgWireType[]{type}, List.of(name));
        Object[] row = reader.next();
        reader.next(); // reads the end of the stream, completing the COPY
        return row[0];
    }

    private static OptionalLong reltuples(Connection c, PostgresConfig config, ReadRequest request) throws SQLException {
        var table = config.resolve(request.model().table());
        try (PreparedStatement ps = c.prepareStatement("select c.reltuples from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                + " where n.nspname = ? and c.relname = ?")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getDouble(1) > 0 ? OptionalLong.of((long) rs.getDouble(1)) : OptionalLong.empty();
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // a read-only transaction: nothing is lost if closing fails
        }
    }
}
