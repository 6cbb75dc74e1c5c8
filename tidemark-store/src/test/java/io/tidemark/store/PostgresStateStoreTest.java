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
import java.time.Clock;

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
}
