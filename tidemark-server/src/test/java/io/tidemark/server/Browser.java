package io.tidemark.server;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One headless Debian Chromium driven through Debian's chromedriver, for the web UI tests.
 *
 * <p>Both binaries are taken from {@code /usr/bin} explicitly so Selenium Manager never runs (it would try to
 * download a browser, and tests have no network). When either is missing the constructor throws: browser tests
 * are never skipped. Every instance gets its own profile and download folder under the caller's temporary
 * folder, so instances share nothing.
 *
 * <p>Waiting helpers wait up to {@link #TIMEOUT} and throw Selenium's {@code TimeoutException} when the page
 * does not get there. Not thread-safe: one test thread drives one browser.
 */
final class Browser implements AutoCloseable {
    /** How long the waiting helpers wait. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** The window size a browser starts with. */
    static final Dimension LAPTOP = new Dimension(1366, 900);
    /** A phone held upright, for the narrow layout. */
    static final Dimension PHONE = new Dimension(390, 844);

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The flags DESIGN.md lists: no sandbox or GPU in containers, and nothing that reaches the network. */
    private static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final WebDriverWait wait;
    private final Path downloads;
    private final Path screenshots;
    private final List<String> consoleErrors = new ArrayList<>();
    private final Set<Path> downloadsReturned = new HashSet<>();
    private int screenshotCount;

    /**
     * Starts a browser at {@link #LAPTOP} size.
     *
     * @param testClass names the folder {@code target/screenshots/<simple name>} screenshots go to
     * @param tempDir   a folder of the caller's (typically JUnit's {@code @TempDir}) for the browser profile
     *                  and downloads; the browser does not delete it
     * @throws IllegalStateException when Debian's chromium or chromium-driver is not installed
     */
    Browser(Class<?> testClass, Path tempDir) {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing; browser tests need Debian's chromium and "
                        + "chromium-driver: apt-get install -y chromium chromium-driver (.ci/run installs them)");
            }
        }
        Path profile = createDirectories(tempDir.resolve("profile"));
        this.downloads = createDirectories(tempDir.resolve("downloads")).toAbsolutePath();
        this.screenshots = Path.of("target", "screenshots", testClass.getSimpleName());
        // A folder holds one run's pictures: numbers from an earlier run would interleave with this one's.
        if (Files.isDirectory(screenshots)) list(screenshots).forEach(Browser::delete);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile.toAbsolutePath());
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);

        this.service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            this.driver = new ChromeDriver(service, options);
            // Headless Chromium may ignore the download preferences; the DevTools command makes downloads land
            // in the folder without a prompt either way.
            driver.executeCdpCommand("Browser.setDownloadBehavior",
                    Map.of("behavior", "allow", "downloadPath", downloads.toString()));
            driver.manage().window().setSize(LAPTOP);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
        this.wait = new WebDriverWait(driver, TIMEOUT);
    }

    /** The underlying driver, for what the helpers do not cover. */
    ChromeDriver driver() {
        return driver;
    }

    /** Loads the URL and returns once the page has loaded. */
    void open(String url) {
        driver.get(url);
    }

    /** Resizes the window, e.g. to {@link #PHONE} for the narrow layout or back to {@link #LAPTOP}. */
    void resize(Dimension size) {
        driver.manage().window().setSize(size);
    }

    /** Waits until the element is visible and returns it. */
    WebElement await(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the element's visible text contains {@code text}. */
    void awaitText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    /** Waits until the element is visible and enabled, then clicks it. */
    void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    /** Waits until the field is visible, clears it and types {@code text}. */
    void type(By by, String text) {
        WebElement field = await(by);
        field.clear();
        field.sendKeys(text);
    }

    /**
     * Waits until a download this method has not returned before is complete and returns its path.
     *
     * @param fileNamePrefixOrGlob a file-name prefix ({@code audit} matches {@code audit-2026.csv}) or, when it
     *                             contains {@code * ? [ {}, a glob over the file name
     * @throws org.openqa.selenium.TimeoutException when no such download completes within {@code timeout}
     */
    Path awaitDownload(String fileNamePrefixOrGlob, Duration timeout) {
        String glob = fileNamePrefixOrGlob.matches(".*[*?\\[{].*") ? fileNamePrefixOrGlob : fileNamePrefixOrGlob + "*";
        PathMatcher matcher = downloads.getFileSystem().getPathMatcher("glob:" + glob);
        Path file = new FluentWait<>(downloads)
                .withTimeout(timeout)
                .pollingEvery(Duration.ofMillis(100))
                .withMessage(() -> "no completed download matching " + glob + " in " + downloads + " (holds "
                        + list(downloads).stream().map(Path::getFileName).toList() + ")")
                .until(folder -> completedDownload(folder, matcher).orElse(null));
        downloadsReturned.add(file);
        return file;
    }

    /**
     * A matching file, once no download is in progress: Chromium writes into {@code <name>.crdownload} and may
     * reserve the final name with an empty file meanwhile, so the final name alone does not mean complete.
     */
    private Optional<Path> completedDownload(Path folder, PathMatcher matcher) {
        List<Path> files = list(folder);
        if (files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".crdownload"))) return Optional.empty();
        return files.stream()
                .filter(f -> matcher.matches(f.getFileName()) && !downloadsReturned.contains(f))
                .findFirst();
    }

    /**
     * The console errors (and failed resource loads) of every page so far, oldest first. Reading the browser
     * log empties it, so entries are kept here across calls.
     */
    List<String> consoleErrors() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) consoleErrors.add(entry.getMessage());
        }
        return List.copyOf(consoleErrors);
    }

    /** Fails, listing them, when any page so far wrote an error to the console. */
    void assertNoConsoleErrors() {
        assertThat(consoleErrors()).as("browser console errors").isEmpty();
    }

    /**
     * Saves a PNG of the window as {@code target/screenshots/<test class>/<nn>-<name>.png}, numbered in the
     * order taken so a folder listing reads like the test, and returns its path.
     */
    Path screenshot(String name) {
        Path file = screenshots.resolve("%02d-%s.png".formatted(++screenshotCount, name.replaceAll("[^A-Za-z0-9._-]", "-")));
        try {
            Files.createDirectories(screenshots);
            return Files.write(file, fullPage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write screenshot " + file.toAbsolutePath(), e);
        }
    }

    /** The whole page, not only the window: reviewers see what is below the fold too. */
    @SuppressWarnings("unchecked")
    private byte[] fullPage() {
        Map<String, Object> size = (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of()).get("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.get("width"), "height", size.get("height"), "scale", 1);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        return Base64.getDecoder().decode((String) shot.get("data"));
    }

    /** Quits the browser and stops chromedriver, even when quitting fails. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }

    private static Path createDirectories(Path folder) {
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder, e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
