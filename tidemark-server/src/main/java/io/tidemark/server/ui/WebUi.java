package io.tidemark.server.ui;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web UI: static files from the server jar under {@value #HOME} (no CDN, no front-end build) and the WebJars
 * they import under {@code /webjars/}. The page calls the REST API with the token the user logs in with, so the UI
 * needs no session of its own and can do nothing the token's scope does not allow.
 *
 * <p>Pages are served with a strict Content-Security-Policy: scripts only from this server, plus the page's one
 * inline import map, allowed by its hash (computed here, so editing the page cannot silently break it).
 */
public final class WebUi {
    /** Where the UI lives; {@code /} redirects here. */
    public static final String HOME = "/ui/";
    private static final String ASSETS = "/tidemark-ui";
    private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

    private WebUi() {}

    /** Serves the UI's files and the WebJars, without a token: they hold no data, the API calls they make need one. */
    public static void configure(JavalinConfig config) {
        Map<String, String> headers = Map.of(
                "Content-Security-Policy", contentSecurityPolicy(page()),
                "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "no-referrer",
                // Assets are small and change with every release; the browser revalidates instead of guessing.
                "Cache-Control", "no-cache");
        config.staticFiles.enableWebjars();
        config.staticFiles.add(files -> {
            files.hostedPath = HOME.substring(0, HOME.length() - 1);
            files.directory = ASSETS;
            files.location = Location.CLASSPATH;
            files.headers = headers;
        });
    }

    /** The policy for {@code page}: everything from this server only, and the page's inline import map by hash. */
    private static String contentSecurityPolicy(String page) {
        Matcher importMap = IMPORT_MAP.matcher(page);
        if (!importMap.find()) throw new IllegalStateException("the UI page has no import map");
        return "default-src 'self'; script-src 'self' 'sha256-" + sha256(importMap.group(1)) + "'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static String page() {
        try (InputStream in = WebUi.class.getResourceAsStream(ASSETS + "/index.html")) {
            if (in == null) throw new IllegalStateException("the UI page " + ASSETS + "/index.html is missing from the server jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the UI page from the server jar", e);
        }
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
