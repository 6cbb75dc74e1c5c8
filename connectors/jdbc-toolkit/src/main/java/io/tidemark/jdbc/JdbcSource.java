package io.tidemark.jdbc;

import io.tidemark.api.CheckReport;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.SystemColumns;
import io.tidemark.api.TidemarkException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A SQL database read through JDBC: tables and queries as models, described from the driver's metadata, read as a
 * stream of batches inside one transaction. Each call uses its own connection, so a reader's snapshot is never
 * shared with another call.
 */
public class JdbcSource implements Source {
    private final JdbcDatabase db;
    private final Dialect dialect;

    public JdbcSource(JdbcDatabase db) {
        this.db = db;
        this.dialect = db.dialect();
    }

    @Override
    public CheckReport check() { return db.check(); }

    @Override
    public List<DiscoveredStream> discover() {
        try (Connection c = db.connect(JdbcDatabase.Access.READ)) {
            List<DiscoveredStream> streams = new ArrayList<>();
            for (StreamId table : db.catalog().tables(c)) {
                if (SystemColumns.isSystem(table.name())) continue;
                db.catalog().describe(c, table).ifPresent(schema -> streams.add(discovered(c, schema)));
            }
            return streams;
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "listing tables", e);
        }
    }

    private DiscoveredStream discovered(Connection c, StreamSchema schema) {
        List<String> cursors = schema.columns().stream().filter(col -> isCursorCandidate(col.type())).map(Column::name).toList();
        Set<SyncType> types = EnumSet.of(SyncType.FULL_REFRESH);
        if (!schema.primaryKey().isEmpty()) types.add(SyncType.DIFF);
        if (!cursors.isEmpty()) {
            types.add(SyncType.INCREMENTAL);
            types.add(SyncType.APPEND);
        }
        long estimate;
        try {
            estimate = db.catalog().estimatedRows(c, schema.id());
        } catch (SQLException e) {
            estimate = -1; // an estimate is a nicety; discovery does not fail for it
        }
        return new DiscoveredStream(schema, cursors, types, estimate);
    }

    /** Types whose values usually grow with time: integers, decimals, dates and timestamps (not floats). */
    static boolean isCursorCandidate(DataType type) {
        return switch (type.kind()) {
            case INT16, INT32, INT64, DECIMAL, DATE, TIMESTAMP, TIMESTAMPTZ -> true;
            default -> false;
        };
    }

    @Override
    public StreamSchema describe(ModelSpec model) {
        try (Connection c = db.connect(JdbcDatabase.Access.READ)) {
            StreamSchema schema = model.isQuery() ? describeQuery(c, model) : describeTable(c, model);
            return model.primaryKey().isEmpty() ? schema : schema.withPrimaryKey(model.primaryKey());
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, db.connectionName(), "describing model " + model.name(), e);
        }
    }

    private StreamSchema describeTable(Connection c, ModelSpec model) throws SQLException {
        StreamId table = db.resolve(model.table());
        return db.catalog().describe(c, table).orElseThrow(() -> tableNotFound(c, table));
    }

    private TidemarkException tableNotFound(Connection c, StreamId table) {
        String existing;
        try {
            List<String> names = db.catalog().tables(c).stream().map(StreamId::name).filter(n -> !SystemColumns.isSystem(n)).toList();
            existing = names.isEmpty() ? "no tables" : "tables: " + String.join(", ", names.size() > 20 ? names.subList(0, 20) : names)
                    + (names.size() > 20 ? ", …" : "");
        } catch (SQLException e) {
            existing = "tables could not be listed";
        }
        return new TidemarkException(ErrorCode.TABLE_NOT_FOUND, SqlErrors.prefix(db.connectionName()) + "table " + table
                + " not found (" + existing + "); check the model's table");
    }

    private StreamSchema describeQuery(Connection c, ModelSpec model) throws SQLException {
        String sql = dialect.describeQuery(JdbcReader.bareQuery(model.query()));
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String name = md.getColumnLabel(i);
                if (!seen.add(name)) {
                    throw new TidemarkException(ErrorCode.CONFIG_INVALID, SqlErrors.prefix(db.connectionName()) + "the query of model "
                            + model.name() + " returns two columns named " + name + "; give them distinct aliases");
                }
                NativeType type = NativeType.of(md.getColumnTypeName(i), md.getColumnType(i), md.getPrecision(i), md.getScale(i));
                columns.add(new Column(name, dialect.dataType(type), md.isNullable(i) != ResultSetMetaData.columnNoNulls, type.declared()));
            }
        }
        return new StreamSchema(model.streamId(), columns, List.of(), dialect.name());
    }

    @Override
    public StreamReader read(ReadRequest request) {
        return new JdbcReader(db, request);
    }

    @Override
    public void close() { db.close(); }
}
