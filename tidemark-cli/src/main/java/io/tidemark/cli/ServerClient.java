package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.server.api.ApiJson;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * A Tidemark server's REST API ({@code /api/v1}) as the CLI calls it: bearer token, JSON bodies, and the API's
 * errors ({@code {"error": {code, message, field, errors}}}) turned into {@link TidemarkException}s with the same
 * {@link ErrorCode} — so a command fails with the same {@code error[code]} and exit code as it would locally.
 */
final class ServerClient implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String JSON = "application/json";

    private final URI base;
    private final Optional<String> token;
    private final HttpClient http;

    /**
     * @param base  the server's address, e.g. {@code http://tidemark:8080}; paths are resolved under it
     * @param token the API token sent as {@code Authorization: Bearer}; never shown in messages
     */
    ServerClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** The server's address, for messages. */
    String address() { return base.toString(); }

    JsonNode get(String path) { return json(exchange("GET", path, null, JSON)); }

    /** The response body as text: YAML and CSV downloads. */
    String getText(String path) { return exchange("GET", path, null, JSON).body(); }

    /** POST without a body (the operation endpoints) or with {@code body} as JSON. */
    JsonNode post(String path, Object body) {
        return json(exchange("POST", path, body == null ? null : ApiJson.write(body), JSON));
    }

    /** A request with a body of another type, e.g. a workspace as {@code application/yaml}. */
    JsonNode send(String method, String path, String body, String contentType) {
        return json(exchange(method, path, body, contentType));
    }

    JsonNode delete(String path) { return json(exchange("DELETE", path, null, JSON)); }

    /** A path segment: names are identifiers, but nothing typed on a command line reaches the URL unescaped. */
    static String segment(String name) { return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"); }

    /** A query parameter value. */
    static String query(String value) { return URLEncoder.encode(value, StandardCharsets.UTF_8); }

    private HttpResponse<String> exchange(String method, String path, String body, String contentType) {
        URI uri = URI.create(base + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Accept", JSON);
        if (body != null) request.header("Content-Type", contentType);
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new TidemarkException(ErrorCode.CONNECTION_FAILED, "cannot reach the Tidemark server at " + base + " ("
                    + describe(e) + "); check --server (or TIDEMARK_SERVER) and that the server is running", e);
        } catch (IOException e) {
            throw new TidemarkException(ErrorCode.CONNECTION_FAILED, "the Tidemark server at " + base + " did not answer " + method
                    + " " + path + " (" + describe(e) + "); check that it is running and reachable, then retry", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TidemarkException(ErrorCode.CANCELLED, "interrupted while waiting for the Tidemark server at " + base, e);
        }
        if (response.statusCode() >= 400) throw error(method, path, response);
        return response;
    }

    private TidemarkException error(String method, String path, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode error = parse(response.body()).path("error");
        if (!error.isObject()) {
            return new TidemarkException(byStatus(status), base + " answered " + method + " " + path + " with HTTP " + status
                    + " and no Tidemark error; check that --server names a Tidemark server");
        }
        String code = error.path("code").asText("");
        StringBuilder message = new StringBuilder(error.path("message").asText("(no message)"));
        // Configuration errors come as a list: show every one, as the local CLI does.
        String details = StreamSupport.stream(error.path("errors").spliterator(), false)
                .map(e -> "\n  - " + e.path("field").asText() + ": " + e.path("message").asText()).collect(Collectors.joining());
        message.append(details);
        Optional<ErrorCode> known = ErrorCode.fromCode(code);
        if (known.isEmpty()) message.append(" (HTTP ").append(status).append(' ').append(code).append(')');
        if (status == 401) message.append(" (the CLI sends the token from --token, --token-file or TIDEMARK_TOKEN)");
        return new TidemarkException(known.orElseGet(() -> byStatus(status)), message.toString());
    }

    /** For errors the API names with a code of its own (invalid_json, route_not_found, …) or proxies answer. */
    private static ErrorCode byStatus(int status) {
        return switch (status) {
            case 401 -> ErrorCode.AUTHENTICATION_FAILED;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.NOT_FOUND;
            case 409 -> ErrorCode.CONFLICT;
            case 502, 503, 504 -> ErrorCode.CONNECTION_FAILED;
            default -> status < 500 ? ErrorCode.CONFIG_INVALID : ErrorCode.INTERNAL;
        };
    }

    private JsonNode json(HttpResponse<String> response) {
        if (response.body().isEmpty()) return ApiJson.MAPPER.missingNode();
        JsonNode node = parse(response.body());
        if (node.isMissingNode()) {
            throw new TidemarkException(ErrorCode.INTERNAL, base + " answered " + response.request().method() + " "
                    + response.request().uri().getPath() + " with something that is not JSON; check that --server names a Tidemark server");
        }
        return node;
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = ApiJson.MAPPER.readTree(body);
            return node == null ? ApiJson.MAPPER.missingNode() : node;
        } catch (IOException e) {
            return ApiJson.MAPPER.missingNode();
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void close() { http.close(); }
}
