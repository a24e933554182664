package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Machine;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.xbill.DNS.Type;

/**
 * The stats page in Debian's headless Chromium (driven by chromedriver through Selenium): it loads without console
 * errors under its Content-Security-Policy, its charts fill with data once queries are sent, the top names list the
 * queried name, the NAT64 section shows the (fake) gateway's sessions and drops, and a screenshot is kept in
 * tests/target/stats-page.png. Skipped, with the reason, where chromium or chromium-driver is not installed
 * ({@code ./gate64 test} installs both as root). The browser is held to loopback: every other destination goes to a
 * proxy address where nothing listens, and its background services are switched off.
 */
class StatsPageBrowserTest {
    private static final String[] CHROMIUM = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
    private static final String[] DRIVER = {"/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"};
    /** Selenium warns that it has no DevTools bindings for this Chromium; the test does not use them. */
    private static final java.util.logging.Logger CDP = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        CDP.setLevel(Level.SEVERE);
    }

    private static String firstExisting(String... paths) {
        for (String p : paths) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    @Test
    void theChartsFillWithDataAfterQueriesWithoutConsoleErrors(@TempDir Path profile) throws Exception {
        String chromium = firstExisting(CHROMIUM);
        String driverPath = firstExisting(DRIVER);
        Machine.require(chromium != null && driverPath != null, "the browser test needs chromium and chromedriver "
                + "(Debian packages chromium chromium-driver; ./gate64 test installs them as root)");
        try (FakeGateway gw = new FakeGateway();
             LabFixture f = LabFixture.start("webserver=true", "webserver-address=\"127.0.0.1:0\"",
                     "dns64-prefix=\"64:ff9b::/96\"", "stats-nat64-url=\"" + gw.url() + "\"")) {
            String page = "http://127.0.0.1:" + f.recursor.webAddress().getPort() + "/stats";
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driverPath))
                    .usingAnyFreePort().withLogFile(profile.resolve("chromedriver.log").toFile()).build();
            ChromeDriver driver = new ChromeDriver(service, options(chromium, profile.resolve("user-data")));
            AtomicBoolean querying = new AtomicBoolean(true);
            Thread load = Thread.ofVirtual().start(() -> {
                try {
                    while (querying.get()) {
                        f.ask("v4only.demo.test.", Type.AAAA); // synthesised once, then packet-cache hits
                        f.ask("chain.demo.test.", Type.A);
                        f.ask("nonexistent.demo.test.", Type.A);
                        Thread.sleep(50); // a steady trickle: several one-second readings see traffic
                    }
                } catch (Exception e) {
                    querying.set(false);
                }
            });
            try {
                // The console check must be able to fail: an error logged by a script is seen.
                driver.get(page);
                ((JavascriptExecutor) driver).executeScript("console.error('gate64 console probe')");
                assertTrue(severe(driver).stream().anyMatch(e -> e.getMessage().contains("gate64 console probe")),
                        "the browser's console errors are visible to this test");

                driver.navigate().refresh(); // the page as a visitor loads it, with traffic flowing
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                String missing;
                while ((missing = notYetShown(driver)) != null) {
                    assertTrue(querying.get(), "the queries failed");
                    if (System.nanoTime() > deadline) {
                        screenshot(driver);
                        throw new AssertionError("the page never showed " + missing);
                    }
                    Thread.sleep(200); // polling the page's state
                }
                Object painted = ((JavascriptExecutor) driver).executeScript(
                        "const c = document.getElementById('qps'); const g = c.getContext('2d');"
                        + "const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;"
                        + "for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } } return n;");
                assertTrue(((Number) painted).longValue() > 500, "the qps chart has pixels drawn: " + painted);
                screenshot(driver);
                List<LogEntry> errors = severe(driver);
                assertEquals(List.of(), errors.stream().map(LogEntry::getMessage).toList(), "console errors");
            } finally {
                querying.set(false);
                load.join();
                driver.quit();
                service.stop();
            }
        }
    }

    /** The first thing the page does not show yet, or null when it shows everything. */
    private static String notYetShown(ChromeDriver driver) {
        Object r = ((JavascriptExecutor) driver).executeScript("""
                const n = id => Number((document.getElementById(id) || {dataset: {}}).dataset.points || 0);
                const max = id => Number((document.getElementById(id) || {dataset: {}}).dataset.max || 0);
                if (Number(document.body.dataset.updates || 0) < 3) return 'three updates';
                if (!(max('qps') > 0)) return 'queries per second';
                if (!(max('cache') > 0)) return 'a cache hit ratio';
                if (!(n('latency') > 0)) return 'the latency histogram';
                if (!(n('dns64') > 0)) return 'DNS64 counts';
                if (!(n('outcomes') > 0)) return 'answers by rcode';
                if (!document.querySelector('#top-names tbody').textContent.includes('v4only.demo.test. AAAA')) return 'the top names';
                if (!document.querySelector('#top-clients tbody').textContent.includes('127.0.0.1')) return 'the top clients';
                if (!document.querySelector('#upstreams tbody').textContent.includes('forwarder')) return 'the upstreams';
                if (document.getElementById('nat64').hidden || !(max('nat64-sessions') > 0) || !(n('nat64-drops') > 0)) return 'the NAT64 section';
                if (!document.getElementById('ready').classList.contains('ok')) return 'ready';
                return null;
                """);
        return (String) r;
    }

    private static List<LogEntry> severe(ChromeDriver driver) {
        List<LogEntry> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add(e);
            }
        }
        return out;
    }

    private static void screenshot(ChromeDriver driver) throws Exception {
        Path out = LabFixture.REPO.resolve("tests/target/stats-page.png");
        Files.createDirectories(out.getParent());
        Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
    }

    private static ChromeOptions options(String chromium, Path userData) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,2200", "--user-data-dir=" + userData,
                // nothing leaves loopback: other destinations go to a proxy where nothing listens, and the
                // browser's own services (updates, sync, safe browsing, metrics) are off
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
                "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                "--disable-sync", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
                "--no-first-run", "--no-default-browser-check", "--metrics-recording-only",
                "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        return o;
    }
}
