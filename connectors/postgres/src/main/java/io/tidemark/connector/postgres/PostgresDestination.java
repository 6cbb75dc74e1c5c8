package io.tidemark.connector.postgres;

import io.tidemark.api.CheckReport;
import io.tidemark.api.CommittedState;
import io.tidemark.api.Destination;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** A Postgres database written to. Holds no connection; each writer has its own, for its one transaction. */
final class PostgresDestination implements Destination {
    private final PostgresConfig config;
    private final StateTable state;

    PostgresDestination(PostgresConfig config) {
        this.config = config;
        this.state = new StateTable(config.schema());
    }

    @Override
    public CheckReport check() { return ConnectionCheck.run(config, ConnectionCheck.Role.DESTINATION); }

    @Override
    public Optional<StreamSchema> describeTarget(StreamId target) {
        StreamId resolved = config.resolve(target);
        try (Connection c = config.connect()) {
            return PgCatalog.relation(c, resolved).map(PgCatalog.PgRelation::toSchema);
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, config.label() + ": describing " + resolved);
        }
    }

    @Override
    public Optional<CommittedState> committedState(String syncKey) {
        try (Connection c = config.connect()) {
            return state.find(c, syncKey);
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, config.label() + ": reading the state of sync \"" + syncKey + "\"");
        }
    }

    @Override
    public StreamWriter open(WriteRequest request) {
        return request.mode() == WriteMode.CHANGES ? ChangeWriter.open(config, request) : PostgresWriter.open(config, request);
    }

    /** Drops the target and forgets the sync's state in one transaction, so that neither survives without the other. */
    @Override
    public void deleteData(String syncKey, StreamId target) {
        StreamId resolved = config.resolve(target);
        try (Connection c = config.connect()) {
            c.setAutoCommit(false);
            Sql.execute(c, "drop table if exists " + Sql.table(resolved));
            state.delete(c, syncKey);
            c.commit();
        } catch (SQLException e) {
            throw PostgresErrors.classify(e, config.label() + ": deleting the data of sync \"" + syncKey + "\" in " + resolved);
        }
    }

    @Override
    public void close() {
        // nothing held between calls
    }
}
