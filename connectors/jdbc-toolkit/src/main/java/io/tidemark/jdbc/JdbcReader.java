package io.tidemark.jdbc;

import io.tidemark.api.Column;
import io.tidemark.api.CursorWindow;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamReader;
import io.tidemark.api.TidemarkException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Streams one model inside one read transaction. For a cursor window it first reads {@code max(cursor)} and then
 * the rows up to it in the same transaction, so the bound the next run starts from is exactly what this run saw
 * even while the source is being written. Memory stays flat: rows are fetched {@code batchSize} at a time.
 */
final class JdbcReader implements StreamReader {
    private final JdbcDatabase db;
    private final Dialect dialect;
    private final ReadRequest request;
    private final Connection connection;
    private final ColumnReader[] readers;
    private final String what;
    private Optional<Object> upperBound = Optional.empty();
    private PreparedStatement statement;
    private ResultSet rows;
    private boolean exhausted;

    JdbcReader(JdbcDatabase db, ReadRequest request) {
        this.db = db;
        this.dialect = db.dialect();
        this.request = request;
        this.what = request.model().isQuery() ? "model " + request.model().name() : db.resolve(request.model().table()).toString();
        List<Column> columns = request.schema().columns();
        this.readers = columns.stream().map(c -> dialect.reader(c.type())).toArray(ColumnReader[]::new);
        this.connection = db.connect(JdbcDatabase.Access.READ);
        try {
            connection.setAutoCommit(false);
            open(columns);
        } catch (SQLException e) {
            close();
            throw SqlErrors.translate(dialect, db.connectionName(), "reading " + what, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void open(List<Column> columns) throws SQLException {
        String from = request.model().isQuery() ? "(" + bareQuery(request.model().query()) + ") q"
                : dialect.qualified(db.resolve(request.model().table()));
        String select = "SELECT " + columns.stream().map(dialect::selectExpression).collect(Collectors.joining(", ")) + " FROM " + from;
        if (request.window().isEmpty()) {
            rows = execute(select, null, List.of());
            return;
        }
        CursorWindow window = request.window().get();
        String cursor = dialect.quote(window.column());
        ColumnBinder binder = dialect.binder(window.type());
        List<Object> bounds = new ArrayList<>();
        if (window.lowerInclusive() != null) bounds.add(window.lowerInclusive());
        String lower = bounds.isEmpty() ? "" : cursor + " >= ?";
        try (PreparedStatement max = connection.prepareStatement("SELECT max(" + cursor + ") FROM " + from
                + (lower.isEmpty() ? "" : " WHERE " + lower))) {
            bind(max, binder, bounds);
            try (ResultSet rs = max.executeQuery()) {
                upperBound = Optional.ofNullable(rs.next() ? readValue(dialect.reader(window.type()), rs, 1, window.column()) : null);
            }
        }
        if (upperBound.isEmpty()) {
            exhausted = true;
            return;
        }
        bounds.add(upperBound.get());
        rows = execute(select + " WHERE " + (lower.isEmpty() ? "" : lower + " AND ") + cursor + " <= ?", binder, bounds);
    }

    private ResultSet execute(String sql, ColumnBinder binder, List<Object> bounds) throws SQLException {
        statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        statement.setFetchSize(request.batchSize());
        bind(statement, binder, bounds);
        return statement.executeQuery();
    }

    private static void bind(PreparedStatement ps, ColumnBinder binder, List<Object> bounds) throws SQLException {
        for (int i = 0; i < bounds.size(); i++) binder.bind(ps, i + 1, bounds.get(i));
    }

    @Override
    public Optional<Object> cursorUpperBound() { return upperBound; }

    @Override
    public RowBatch next() {
        if (exhausted) return null;
        List<Column> columns = request.schema().columns();
        try {
            List<Object[]> batch = new ArrayList<>(Math.min(request.batchSize(), 10_000));
            while (batch.size() < request.batchSize()) {
                if (!rows.next()) {
                    exhausted = true;
                    break;
                }
                Object[] row = new Object[readers.length];
                for (int i = 0; i < readers.length; i++) row[i] = readValue(readers[i], rows, i + 1, columns.get(i).name());
                batch.add(row);
            }
            return batch.isEmpty() ? null : new RowBatch(request.schema(), batch);
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "reading " + what, e);
        }
    }

    /** Names the column in a value's conversion error: the user needs to know which one holds bad data. */
    private Object readValue(ColumnReader reader, ResultSet rs, int index, String column) throws SQLException {
        try {
            return reader.read(rs, index);
        } catch (TidemarkException e) {
            throw e.withContext(SqlErrors.prefix(db.connectionName()) + "column " + column + " of " + what + ": ");
        }
    }

    /** A model's query without the trailing semicolon a user may type, so that it nests as a subquery. */
    static String bareQuery(String query) {
        String q = query.strip();
        while (q.endsWith(";")) q = q.substring(0, q.length() - 1).strip();
        return q;
    }

    @Override
    public void close() {
        // Best effort: the read transaction only held a snapshot, so a failure here loses nothing.
        Jdbc.closeQuietly(rows);
        Jdbc.closeQuietly(statement);
        Jdbc.rollbackAndClose(connection);
    }
}
