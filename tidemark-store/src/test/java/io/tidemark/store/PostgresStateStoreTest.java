package io.tidemark.store;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresStateStoreTest extends StateStoreContract {
    private final PostgresServer server;
    private final String database;

    PostgresStateStoreTest(PostgresServer server) {
        this.server = server;
        this.database = server.createDatabase("state");
    }

    @Override
    protected StateStore openStore(Clock clock) {
        return StateStore.open(server.jdbcUrl(database), PostgresServer.USER, "", clock);
    }

    @Override
    protected String emptyDatabaseUrl() {
        return server.jdbcUrl(server.createDatabase("empty")) + "?user=" + PostgresServer.USER;
    }

    /** The race the primary key settles: both saves read version 0, the loser's insert waits for the winner's. */
    @Test
    void aWorkspaceSaveThatLosesAtThePrimaryKeyIsAConflict() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection rival = server.connect(database); Statement s = rival.createStatement()) {
            rival.setAutoCommit(false);
            s.executeUpdate("insert into workspace_versions values (1, '{}', 'bob', 0)");
            Future<WorkspaceVersion> save = thread.submit(() -> store().saveWorkspace(0, "{}", "alice"));
            awaitBlockedOnALock(save);

            rival.commit();

            assertThatThrownBy(save::get).cause().isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
                assertThat(e.getMessage()).contains("version 1 is newer than the expected 0");
            });
        } finally {
            thread.shutdown();
        }
    }

    @Test
    void aMissingDatabaseIsAConfigErrorThatDoesNotShowThePassword() {
        String url = server.jdbcUrl("no_such_database") + "?user=postgres&password=hunter2";

        assertThatThrownBy(() -> StateStore.open(url, null, null, clock))
                .isInstanceOfSatisfying(TidemarkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains("no_such_database", "password=***", "CREATE DATABASE")
                            .doesNotContain("hunter2");
                });
    }

    @Test
    void anUnreachableServerIsAConnectionFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/state";

        assertThatThrownBy(() -> StateStore.open(url, "postgres", "hunter2", clock))
                .isInstanceOfSatisfying(TidemarkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONNECTION_FAILED);
                    assertThat(e.getMessage()).contains(url, "check that the server is running").doesNotContain("hunter2");
                });
    }

    /** Returns once a statement on the database waits for a lock, or {@code save} ended without waiting. */
    private void awaitBlockedOnALock(Future<?> save) throws SQLException, InterruptedException {
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            while (!save.isDone()) {
                try (ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity"
                        + " where datname = current_database() and wait_event_type = 'Lock'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) return;
                }
                Thread.sleep(10);
            }
        }
    }
}
