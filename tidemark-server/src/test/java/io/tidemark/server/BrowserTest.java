package io.tidemark.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The browser fixture against a real HTTP server on 127.0.0.1; one browser serves the whole class. */
class BrowserTest {
    /** An empty icon, so the browser does not request /favicon.ico and log its 404 as a console error. */
    private static final String HEAD = "<!doctype html><html><head><meta charset=utf-8><link rel=icon href=\"data:,\"></head>";
    private static final String HOME = HEAD + """
            <body>
              <input id="name">
              <button id="greet" onclick="document.getElementById('greeting').textContent = 'Hello, ' + document.getElementById('name').value">Greet</button>
              <p id="greeting">nobody greeted yet</p>
              <a id="export" href="/export.csv">Export</a>
            </body></html>""";
    private static final String BROKEN = HEAD + "<body><p id=\"loaded\">loaded</p><script>console.error('boom')</script></body></html>";
    private static final String CSV = "id,name\n1,Ada\n2,Grace\n";

    @TempDir
    static Path temp;
    private static HttpServer server;
    private static Browser browser;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> respond(exchange, "text/html; charset=utf-8", HOME));
        server.createContext("/broken", exchange -> respond(exchange, "text/html; charset=utf-8", BROKEN));
        server.createContext("/export.csv", exchange -> {
            exchange.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"audit.csv\"");
            respond(exchange, "text/csv; charset=utf-8", CSV);
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        browser = new Browser(BrowserTest.class, temp);
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) browser.close();
        } finally {
            server.stop(0);
        }
    }

    private static void respond(HttpExchange exchange, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void typesClicksAndWaitsForTheTextThePageShowsInResponse() {
        browser.open(base + "/");

        browser.type(By.id("name"), "Ada");
        browser.click(By.id("greet"));

        browser.awaitText(By.id("greeting"), "Hello, Ada");
        assertThat(browser.await(By.id("greeting")).getText()).isEqualTo("Hello, Ada");
    }

    @Test
    void downloadsAnAttachmentIntoItsOwnFolder() throws IOException {
        browser.open(base + "/");

        browser.click(By.id("export"));
        Path file = browser.awaitDownload("audit", Duration.ofSeconds(15));

        assertThat(file.getFileName()).hasToString("audit.csv");
        assertThat(file).startsWith(temp).hasContent(CSV);
    }

    @Test
    void savesNumberedScreenshotsUnderTheTestClassName() throws IOException {
        browser.open(base + "/");

        Path first = browser.screenshot("home page");
        Path second = browser.screenshot("home page");

        assertThat(first.getParent()).isEqualTo(Path.of("target", "screenshots", "BrowserTest"));
        assertThat(first.getFileName().toString()).matches("\\d\\d-home-page\\.png");
        assertThat(second.getFileName().toString()).isGreaterThan(first.getFileName().toString());
        byte[] png = Files.readAllBytes(first);
        assertThat(png).hasSizeGreaterThan(8).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void collectsConsoleErrorsAcrossPages() {
        browser.open(base + "/");
        browser.await(By.id("greet"));
        browser.assertNoConsoleErrors();

        browser.open(base + "/broken");
        browser.await(By.id("loaded"));

        assertThat(browser.consoleErrors()).singleElement().asString().contains("boom");
        assertThat(browser.consoleErrors()).as("kept after the log was read").hasSize(1);
    }

    @Test
    void resizesToAPhoneWidth() {
        browser.open(base + "/");
        try {
            browser.resize(Browser.PHONE);

            assertThat(browser.driver().executeScript("return window.innerWidth")).isEqualTo(390L);
        } finally {
            browser.resize(Browser.LAPTOP);
        }
    }
}
