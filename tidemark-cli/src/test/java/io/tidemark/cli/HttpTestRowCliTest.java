package io.tidemark.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tidemark test-row} into an HTTP API, as users run it: a SQLite model, an {@code http} connection with a bearer
 * token from the environment, and a CRM on 127.0.0.1 that refuses names shorter than five characters.
 */
class HttpTestRowCliTest {
    private static final String TOKEN = "crm-t0ken-s3cret";

    @TempDir Path dir;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer crm;

    @BeforeEach
    void workspace() throws Exception {
        crm = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        crm.setExecutor(threads);
        crm.createContext("/contacts/", this::contact);
        crm.start();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.sqlite")); Statement s = c.createStatement()) {
            s.execute("create table contacts (id bigint primary key, email varchar(64), name varchar(32))");
            s.execute("insert into contacts values (1, 'ada@example.com', 'Ada'), (2, 'grace@example.com', 'Grace')");
        }
        Files.writeString(dir.resolve("tidemark.yaml"), """
                connections:
                  app: { type: sqlite, path: app.sqlite }
                  crm:
                    type: http
                    base_url: "%s"
                    auth: bearer
                    token: "${CRM_TOKEN}"
                    objects:
                      contacts:
                        added: { method: PUT, url: "/contacts/{{email}}" }
                models:
                  contacts: { connection: app, table: contacts, primary_key: [id] }
                syncs:
                  contacts_to_crm:
                    model: contacts
                    destination: crm
                    table: contacts
                    sync_type: diff
                    mode: upsert
                    record_matching: { email: email }
                    field_mapping: { email: email, name: name }
                """.formatted(url()));
    }

    @AfterEach
    void stop() {
        crm.stop(0);
        threads.shutdownNow();
    }

    private String url() { return "http://127.0.0.1:" + crm.getAddress().getPort(); }

    @Test
    void testRowPrintsTheRequestAndTheResponseIndentedWithTheTokenMasked() throws Exception {
        CliResult refused = CliProcess.run(dir, Map.of("CRM_TOKEN", TOKEN), "test-row", "contacts_to_crm", "--key", "1");
        assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output().replaceAll("(?m)^    date: .*$", "    date: (any)")).isEqualTo("""
                contacts_to_crm: test row id=1
                  change     added
                  operation  upsert
                  target     contacts at crm
                  fields sent:
                    field  value
                    -----  ---------------
                    email  ada@example.com
                    name   Ada
                  request:
                    PUT %s/contacts/ada%%40example.com
                    Authorization: Bearer ******
                    Content-Type: application/json

                    {"email":"ada@example.com","name":"Ada"}
                  response:
                    HTTP 422
                    content-length: 46
                    content-type: application/json
                    date: (any)

                    {"error":"name must be at least 5 characters"}
                destination answer: refused — HTTP 422: {"error":"name must be at least 5 characters"}
                Nothing else was sent; the checkpoint and the change-tracking snapshot did not move.
                """.formatted(url()));

        CliResult accepted = CliProcess.run(dir, Map.of("CRM_TOKEN", TOKEN), "test-row", "--json", "contacts_to_crm", "--key", "2");
        assertThat(accepted.exit()).as(accepted.output()).isZero();
        assertThat(accepted.json().get("answer").asText()).isEqualTo("upserted 1 record");
        assertThat(accepted.json().get("exchanges")).singleElement().satisfies(e -> {
            assertThat(e.get("request").asText()).contains("Authorization: Bearer ******\n");
            assertThat(e.get("response").asText()).startsWith("HTTP 200\n").endsWith("\n\n{\"id\":\"grace@example.com\"}");
        });
        assertThat(refused.output() + accepted.output()).doesNotContain(TOKEN);
    }

    /** {@code PUT /contacts/{email}}: 200, or 422 for a name shorter than five characters; 401 without the token. */
    private void contact(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean authorized = ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            int status = !authorized ? 401 : body.matches(".*\"name\":\"[^\"]{0,4}\".*") ? 422 : 200;
            String answer = switch (status) {
                case 200 -> "{\"id\":\"" + exchange.getRequestURI().getPath().substring("/contacts/".length()) + "\"}";
                case 422 -> "{\"error\":\"name must be at least 5 characters\"}";
                default -> "{\"error\":\"invalid token\"}";
            };
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
