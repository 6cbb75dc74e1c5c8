package io.tidemark.connector.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request ready to send (authentication is added when it goes).
 *
 * @param headers in order; names as configured
 * @param body    empty for none
 */
record ApiRequest(String method, URI uri, List<Map.Entry<String, String>> headers, Optional<byte[]> body) {
    ApiRequest {
        headers = List.copyOf(headers);
    }

    /** {@code url} as configured and filled in: absolute, or a path under {@code base}. */
    static URI resolve(URI base, String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return URI.create(lower.startsWith("http://") || lower.startsWith("https://") ? url : join(base.toString(), url));
    }

    /**
     * A path under a base URL: {@code https://api.example.com/v3} and {@code /contacts} make
     * {@code https://api.example.com/v3/contacts} (the base's own path is kept, unlike RFC 3986 resolution).
     */
    static String join(String base, String path) {
        String head = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        if (path.isEmpty()) return head;
        return path.startsWith("/") || path.startsWith("?") ? head + path : head + "/" + path;
    }
}
