package io.tidemark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.server.api.ApiJson;
import io.tidemark.server.schedule.SyncScheduler;
import io.tidemark.server.security.ApiTokens;
import io.tidemark.store.RunRecord;
import io.tidemark.store.StateStore;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A real server on 127.0.0.1 over a SQLite state store in a temporary folder, with one token per scope, and a
 * small HTTP client. Source and destination are SQLite files in the server's data folder.
 */
final class TestServer implements AutoCloseable {
    static final SyncScheduler.ClusterTimings FAST = new SyncScheduler.ClusterTimings(Duration.ofMillis(200), Duration.ofSeconds(1), 4);
    final Path dataDir;
    final TidemarkServer server;
    final StateStore store;
    final String admin;
    final String operator;
    final String reader;
    private final HttpClient http = HttpClient.newHttpClient();

    record Response(int status, String body, JsonNode json, java.net.http.HttpHeaders headers) {
        JsonNode error() { return json.path("error"); }
    }

    TestServer(Path dataDir, Map<String, String> environment) {
        this.dataDir = dataDir;
        String url = "jdbc:sqlite:" + dataDir.resolve("state.db");
        this.store = StateStore.open(url, null, null, Clock.systemUTC());
        this.admin = token("admin-token", "admin");
        this.operator = token("operator-token", "operator");
        this.reader = token("reader-token", "read-only");
        this.server = TidemarkServer.start(new ServerOptions("127.0.0.1", 0, url, dataDir, "test", Optional.empty(), 4, FAST),
                environment::get, Clock.systemUTC());
    }

    /** A new token; a server restarted on the same folder gets new names (names stay taken). */
    private String token(String name, String scope) {
        String token = ApiTokens.newToken();
        long taken = store.tokens().stream().filter(t -> t.name().startsWith(name)).count();
        store.createToken(taken == 0 ? name : name + "-" + taken, scope, ApiTokens.hash(token));
        return token;
    }

    Response get(String path, String token) { return send("GET", path, token, null, "application/json"); }

    Response post(String path, String token) { return send("POST", path, token, "", "application/json"); }

    Response post(String path, String token, String body) { return send("POST", path, token, body, "application/json"); }

    Response put(String path, String token, String body) { return send("PUT", path, token, body, "application/json"); }

    Response patch(String path, String token, String body) { return send("PATCH", path, token, body, "application/json"); }

    Response delete(String path, String token) { return send("DELETE", path, token, null, "application/json"); }

    Response send(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType);
        if (token != null) request.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = ApiJson.MAPPER.readTree(response.body());
            } catch (IOException e) {
                json = ApiJson.MAPPER.missingNode();
            }
            return new Response(response.statusCode(), response.body(), json == null ? ApiJson.MAPPER.missingNode() : json, response.headers());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until the run finished and returns it. */
    RunRecord awaitFinished(long runId, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            RunRecord run = store.run(runId).orElseThrow();
            if (run.finished()) return run;
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " did not finish within " + timeout);
    }

    /** A SQLite table of {@code rows} rows (id, name, v) in the data folder. */
    static void sourceTable(Path file, String table, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("create table if not exists " + table + " (id integer primary key, name text not null, v integer not null)");
            s.execute("delete from " + table);
            s.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < " + rows + ") "
                    + "insert into " + table + " select i, 'name ' || i, i * 7 from n");
            c.commit();
        }
    }

    static void execute(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(Path file, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             var rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }
}
