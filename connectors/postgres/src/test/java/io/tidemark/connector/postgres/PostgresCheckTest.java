package io.tidemark.connector.postgres;

import io.tidemark.api.CheckReport;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.Problem;
import io.tidemark.api.TidemarkException;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresCheckTest {
    private static final ConnectorContext CONTEXT = new ConnectorContext(Clock.systemUTC(), Path.of("."));

    private TestDatabase db;

    @BeforeEach
    void database(PostgresServer server) { db = TestDatabase.create(server, "check"); }

    @AfterEach
    void close() { db.close(); }

    @Test
    void aWrongPasswordIsReportedAsAuthenticationFailedWithoutTheSecret() throws Exception {
        db.execute("do $$ begin if not exists (select from pg_roles where rolname = 'pw_user') then"
                + " create role pw_user login password 'right-password'; end if; end $$");
        // the embedded server trusts every local login; require a password from this one role only
        Path hba = Path.of(db.value("show hba_file"));
        String original = Files.readString(hba);
        Files.writeString(hba, "host all pw_user 127.0.0.1/32 scram-sha-256\n" + original);
        try {
            db.execute("select pg_reload_conf()");
            awaitPasswordRequired();

            CheckReport report = check(TestDatabase.config(db.url(), "pw_user", "wrong-password"), ConnectionCheck.Role.SOURCE);

            assertThat(report.problems()).singleElement().satisfies(p -> {
                assertThat(p.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(p.message()).contains("pw_user").doesNotContain("wrong-password");
                assertThat(p.fix()).contains("password").contains("${");
            });
            assertThat(check(TestDatabase.config(db.url(), "pw_user", "right-password"), ConnectionCheck.Role.SOURCE).problems()).isEmpty();
        } finally {
            Files.writeString(hba, original);
            db.execute("select pg_reload_conf()");
        }
    }

    @Test
    void aClosedPortIsReportedAsConnectionFailedNamingHostAndPort() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        CheckReport report = check(TestDatabase.config("jdbc:postgresql://127.0.0.1:" + port + "/app", "postgres", null), ConnectionCheck.Role.DESTINATION);

        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
            assertThat(p.message()).contains("127.0.0.1:" + port);
            assertThat(p.fix()).contains("running").contains("host and port");
        });
        assertThat(report.passed()).isEmpty();
    }

    @Test
    void aMissingDatabaseIsAConfigurationProblem() {
        CheckReport report = check(TestDatabase.config(db.server.jdbcUrl("no_such_db"), "postgres", null), ConnectionCheck.Role.SOURCE);

        assertThat(report.problems()).extracting(Problem::code).containsExactly(ErrorCode.CONFIG_INVALID);
        assertThat(report.problems().getFirst().message()).contains("no_such_db");
    }

    @Test
    void aHealthyConnectionReportsTheServerVersionAndPrivileges() {
        CheckReport report = db.destination.check();

        assertThat(report.problems()).isEmpty();
        assertThat(report.passed()).anySatisfy(s -> assertThat(s).contains("PostgreSQL 17"))
                .anySatisfy(s -> assertThat(s).contains("can create tables in schema public"));
    }

    @Test
    void aDestinationUserWithoutCreatePrivilegeGetsTheGrantToRun() {
        db.execute("do $$ begin if not exists (select from pg_roles where rolname = 'no_create') then create role no_create login; end if; end $$",
                "revoke create on schema public from public");

        CheckReport report = check(TestDatabase.config(db.url(), "no_create", null), ConnectionCheck.Role.DESTINATION);

        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(p.fix()).isEqualTo("run: GRANT USAGE, CREATE ON SCHEMA \"public\" TO \"no_create\"");
        });
    }

    @Test
    void aMissingSchemaIsReportedWithTheSchemasThatExist() {
        db.execute("create schema sales");
        Map<String, String> values = new HashMap<>(TestDatabase.config(db.url(), "postgres", null).values());
        values.put("schema", "warehouse");

        CheckReport report = check(new ConnectorConfig("pg", TestDatabase.FACTORY.configSpec(), values), ConnectionCheck.Role.DESTINATION);

        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
            assertThat(p.message()).contains("schema warehouse does not exist").contains("public, sales");
        });
    }

    @Test
    void aUrlThatIsNotPostgresIsRefusedWhenOpening() {
        assertThatThrownBy(() -> TestDatabase.FACTORY.openSource(TestDatabase.config("jdbc:mysql://h/db?password=s3cret", "u", null), CONTEXT))
                .isInstanceOf(TidemarkException.class).hasMessageContaining("jdbc:postgresql://host:port/database")
                .hasMessageNotContaining("s3cret")
                .extracting(e -> ((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
    }

    private static CheckReport check(ConnectorConfig config, ConnectionCheck.Role role) {
        return role == ConnectionCheck.Role.SOURCE ? TestDatabase.FACTORY.openSource(config, CONTEXT).check()
                : TestDatabase.FACTORY.openDestination(config, CONTEXT).check();
    }

    /** Waits until the server has re-read pg_hba.conf (a reload is asynchronous): a wrong password is then refused. */
    private void awaitPasswordRequired() throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                DriverManager.getConnection(db.url(), "pw_user", "probe-wrong").close();
            } catch (SQLException refused) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not apply the new pg_hba.conf rule");
    }
}
