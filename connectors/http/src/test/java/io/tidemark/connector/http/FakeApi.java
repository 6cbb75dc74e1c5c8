package io.tidemark.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A CRM and an analytics capture API on 127.0.0.1, behaving as real ones do: contacts keyed by email (upserts
 * overwrite, inserts of a held key answer 409, updates and deletes of a missing one 404), validation errors per
 * record (an email without "@") in batch results or as 422, whole-request 400s, credentials checked on every request
 * (401), OAuth2 client credentials with expiring tokens, and answers scripted ahead (429 with Retry-After, 503,
 * a slow answer) to exercise retries.
 *
 * <ul>
 *   <li>{@code PUT /contacts/{email}} upsert; {@code POST /contacts} insert; {@code PATCH /contacts/{email}} update;
 *   {@code DELETE /contacts/{email}}</li>
 *   <li>{@code POST /contacts/batch}: a JSON array, {@code {"records": [...]}} or NDJSON; answers
 *   {@code {"results": [{"email", "status", "error"}]}}, one per record in order; 400 when a record has no email</li>
 *   <li>{@code POST /oauth/token}: client credentials {@code client}/{@code secret}</li>
 *   <li>{@code POST /batch}: capture events, kept by uuid (a resent uuid is not stored twice)</li>
 * </ul>
 */
final class FakeApi implements AutoCloseable {
    static final String CLIENT_ID = "client";
    static final String CLIENT_SECRET = "s3cret:client";

    /** One request as the server saw it. */
    record Received(String method, String rawPath, Headers headers, String body) {
        JsonNode json() {
            try {
                return JsonValues.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** An answer given to the next API request instead of handling it; {@code delay} before answering. */
    record Canned(int status, Map<String, String> headers, String body, Duration delay) {
        static Canned status(int status) { return new Canned(status, Map.of(), "{\"message\":\"canned " + status + "\"}", Duration.ZERO); }
    }

    final ConcurrentMap<String, JsonNode> contacts = new ConcurrentHashMap<>();
    /** Successful writes per email: a lost record has none, a duplicated write more than expected. */
    final ConcurrentMap<String, AtomicInteger> writes = new ConcurrentHashMap<>();
    final List<Received> received = new CopyOnWriteArrayList<>();
    final ConcurrentMap<String, JsonNode> events = new ConcurrentHashMap<>();
    final AtomicInteger tokensIssued = new AtomicInteger();
    final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedDeque<Canned> canned = new ConcurrentLinkedDeque<>();

    /** Which API requests carry valid credentials; by default a token the server issued, or anything when none was. */
    volatile Predicate<Headers> authorized = h -> true;
    volatile long tokenLifetimeSeconds = 3600;
    /** Issued tokens are this and a number. */
    volatile String tokenPrefix = "tok-";
    volatile String captureKey = "phc_key";

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpServer server;

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() { return URI.create("http://127.0.0.1:" + server.getAddress().getPort()); }

    void answerNext(Canned... answers) { canned.addAll(List.of(answers)); }

    /** Accepts only requests bearing a token this server issued and has not revoked. */
    void requireIssuedTokens() {
        authorized = h -> {
            String value = h.getFirst("Authorization");
            return value != null && value.startsWith("Bearer ") && validTokens.contains(value.substring(7));
        };
    }

    List<Received> receivedOn(String pathPrefix) {
        return received.stream().filter(r -> r.rawPath().startsWith(pathPrefix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String rawPath = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            received.add(new Received(exchange.getRequestMethod(), rawPath, exchange.getRequestHeaders(), body));
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/oauth/token")) {
                token(exchange, body);
                return;
            }
            Canned next = canned.poll();
            if (next != null) {
                sleep(next.delay());
                next.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                respond(exchange, next.status(), next.body());
                return;
            }
            if (!authorized.test(exchange.getRequestHeaders())) {
                respond(exchange, 401, "{\"message\":\"invalid credentials\"}");
                return;
            }
            route(exchange, exchange.getRequestMethod(), path, body);
        }
    }

    private void route(HttpExchange exchange, String method, String path, String body) throws IOException {
        if (path.equals("/batch") && method.equals("POST")) {
            capture(exchange, JsonValues.MAPPER.readTree(body));
        } else if (path.equals("/contacts/batch") && method.equals("POST")) {
            batch(exchange, body);
        } else if (path.equals("/contacts") && method.equals("POST")) {
            JsonNode record = JsonValues.MAPPER.readTree(body);
            String email = record.path("email").asText();
            if (invalid(email)) respond(exchange, 422, "{\"message\":\"invalid email: " + email + "\"}");
            else if (contacts.putIfAbsent(email, record) != null) respond(exchange, 409, "{\"message\":\"contact exists\"}");
            else {
                writes.computeIfAbsent(email, k -> new AtomicInteger()).incrementAndGet();
                respond(exchange, 201, "{\"id\":\"" + email + "\"}");
            }
        } else if (path.startsWith("/contacts/")) {
            String email = path.substring("/contacts/".length());
            switch (method) {
                case "PUT" -> {
                    if (invalid(email)) respond(exchange, 422, "{\"message\":\"invalid email: " + email + "\"}");
                    else {
                        upsert(email, JsonValues.MAPPER.readTree(body));
                        respond(exchange, 200, "{\"id\":\"" + email + "\"}");
                    }
                }
                case "PATCH" -> {
                    JsonNode old = contacts.get(email);
                    if (old == null) respond(exchange, 404, "{\"message\":\"no contact " + email + "\"}");
                    else {
                        ObjectNode merged = ((ObjectNode) old).deepCopy();
                        merged.setAll((ObjectNode) JsonValues.MAPPER.readTree(body));
                        upsert(email, merged);
                        respond(exchange, 200, "{\"id\":\"" + email + "\"}");
                    }
                }
                case "DELETE" -> {
                    if (contacts.remove(email) == null) respond(exchange, 404, "{\"message\":\"no contact " + email + "\"}");
                    else respond(exchange, 204, null);
                }
                default -> respond(exchange, 405, "{\"message\":\"method not allowed\"}");
            }
        } else {
            respond(exchange, 404, "{\"message\":\"no such endpoint\"}");
        }
    }

    private void batch(HttpExchange exchange, String body) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null && type.startsWith("application/x-ndjson")) {
            for (String line : body.split("\n")) if (!line.isBlank()) records.add(JsonValues.MAPPER.readTree(line));
        } else {
            JsonNode json = JsonValues.MAPPER.readTree(body);
            (json.isArray() ? json : json.path("records")).forEach(records::add);
        }
        if (records.stream().anyMatch(r -> !r.hasNonNull("email"))) {
            respond(exchange, 400, "{\"message\":\"every record needs an email\"}");
            return;
        }
        ArrayNode results = JsonNodeFactory.instance.arrayNode();
        for (JsonNode record : records) {
            String email = record.get("email").asText();
            ObjectNode result = results.addObject().put("email", email);
            if (invalid(email)) {
                result.put("status", 422).put("error", "invalid email: " + email);
            } else {
                upsert(email, record);
                result.put("status", 200).putNull("error");
            }
        }
        respond(exchange, 200, JsonNodeFactory.instance.objectNode().set("results", results).toString());
    }

    private void capture(HttpExchange exchange, JsonNode request) throws IOException {
        if (!captureKey.equals(request.path("api_key").asText())) {
            respond(exchange, 401, "{\"type\":\"authentication_error\",\"detail\":\"invalid API key\"}");
            return;
        }
        for (JsonNode event : request.path("batch")) {
            if (!event.hasNonNull("event") || !event.hasNonNull("distinct_id")) {
                respond(exchange, 400, "{\"type\":\"validation_error\",\"detail\":\"event and distinct_id are required\"}");
                return;
            }
        }
        request.path("batch").forEach(e -> events.putIfAbsent(e.path("uuid").asText(), e));
        respond(exchange, 200, "{\"status\":\"Ok\"}");
    }

    private void token(HttpExchange exchange, String body) throws IOException {
        if (!clientCredentials(exchange.getRequestHeaders().getFirst("Authorization")) || !body.contains("grant_type=client_credentials")) {
            respond(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String token = tokenPrefix + tokensIssued.incrementAndGet();
        validTokens.add(token);
        respond(exchange, 200, JsonNodeFactory.instance.objectNode().put("access_token", token).put("token_type", "Bearer")
                .put("expires_in", tokenLifetimeSeconds).put("refresh_token", "rt-secret-" + tokensIssued.get())
                .put("id_token", "idt-secret-" + tokensIssued.get()).toString());
    }

    /** RFC 6749 §2.3.1: basic authentication of the form-encoded client id and secret. */
    private static boolean clientCredentials(String header) {
        if (header == null || !header.startsWith("Basic ")) return false;
        String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon > 0 && URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8).equals(CLIENT_ID)
                && URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8).equals(CLIENT_SECRET);
    }

    private void upsert(String email, JsonNode record) {
        contacts.put(email, record);
        writes.computeIfAbsent(email, k -> new AtomicInteger()).incrementAndGet();
    }

    private static boolean invalid(String email) { return !email.contains("@"); }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sleep(Duration delay) {
        try {
            if (delay.isPositive()) Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
