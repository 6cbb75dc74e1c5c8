package io.tidemark.connector.postgres;

import io.tidemark.api.CaptureSpec;
import io.tidemark.api.ChangeCapture;
import io.tidemark.api.CheckReport;
import io.tidemark.api.Column;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.connector.postgres.PgCatalog.PgRelation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Postgres database read from. Holds no connection: each call opens its own, so that calls are independent and a
 * restarted server costs nothing but the call in flight.
 */
final class PostgresSource implements Source {
    private final PostgresConfig config;

    PostgresSource(PostgresConfig config) { this.config = config; }

    @Override
    public CheckReport check() { return ConnectionCheck.run(config, ConnectionCheck.Role.SOURCE); }

    @Override
    public List<DiscoveredStream> discover() {
        try (Connection c = config.connect()) {
            return PgCatalog.userRelations(c).stream().map(PostgresSource::discovered).toList();
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, config.label() + ": discovering tables");
        }
    }

    @Override
    public StreamSchema describe(ModelSpec model) {
        String what = config.label() + ": describing " + label(config, model);
        try (Connection c = config.connect()) {
            StreamSchema schema;
            if (model.isQuery()) {
                List<Column> columns = PgCatalog.queryColumns(c, query(model)).stream().map(PgCatalog.PgColumn::toColumn).toList();
                Set<String> seen = new HashSet<>();
                for (Column column : columns) {
                    if (!seen.add(column.name())) {
                        throw new TidemarkException(ErrorCode.CONFIG_INVALID, what + ": the query returns two columns named \""
                                + column.name() + "\"; give them distinct aliases");
                    }
                }
                schema = new StreamSchema(model.streamId(), columns, model.primaryKey(), PgTypes.DIALECT);
            } else {
                StreamId table = config.resolve(model.table());
                Optional<PgRelation> relation = PgCatalog.relation(c, table);
                if (relation.isEmpty()) throw PgCatalog.tableNotFound(c, config.label(), table);
                schema = relation.get().toSchema();
                if (!model.primaryKey().isEmpty()) schema = schema.withPrimaryKey(model.primaryKey());
            }
            for (String key : schema.primaryKey()) {
                if (schema.indexOf(key) < 0) {
                    throw new TidemarkException(ErrorCode.COLUMN_NOT_FOUND, what + ": primary key column \"" + key + "\" not found (columns: "
                            + String.join(", ", schema.columnNames()) + "); fix the model's primary_key");
                }
            }
            return schema;
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, what);
        }
    }

    @Override
    public StreamReader read(ReadRequest request) { return PostgresReader.open(config, request); }

    @Override
    public ChangeCapture capture(CaptureSpec spec) { return new PostgresCapture(config, spec); }

    @Override
    public void close() {
        // nothing held between calls
    }

    /** What a model reads from, as SQL usable after FROM. */
    static String relation(PostgresConfig config, ModelSpec model) {
        return model.isQuery() ? "(" + query(model) + ")" : Sql.table(config.resolve(model.table()));
    }

    /** The model for messages: {@code public.orders} or {@code model "active_users"}. */
    static String label(PostgresConfig config, ModelSpec model) {
        return model.isQuery() ? "model \"" + model.name() + "\"" : config.resolve(model.table()).toString();
    }

    /** The model's query without the trailing semicolons people write, which would break the subquery it goes into. */
    private static String query(ModelSpec model) {
        String q = model.query().strip();
        while (q.endsWith(";")) q = q.substring(0, q.length() - 1).strip();
        return q;
    }

    private static DiscoveredStream discovered(PgRelation relation) {
        StreamSchema schema = relation.toSchema();
        List<String> cursors = schema.columns().stream().filter(c -> PgTypes.isCursorKind(c.type().kind())).map(Column::name).toList();
        Set<SyncType> syncTypes = EnumSet.of(SyncType.FULL_REFRESH);
        if (!cursors.isEmpty()) {
            syncTypes.add(SyncType.APPEND);
            if (!schema.primaryKey().isEmpty()) syncTypes.add(SyncType.INCREMENTAL);
        }
        if (relation.capturable()) syncTypes.add(SyncType.CDC);
        return new DiscoveredStream(schema, cursors, syncTypes, relation.reltuples() > 0 ? (long) relation.reltuples() : -1);
    }
}
