package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.gate64.nat64.Nat64Service;
import net.gate64.nat64.config.Nat64Settings;
import net.gate64.nat64.http.ObservabilityServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * contrib/grafana/gate64.json queries only metrics the programs export: every {@code gate64_*} name in its queries
 * is a sample name in the recursor's {@code /metrics} (after the queries that make its lazily registered series
 * appear) or in the gateway's. A renamed metric fails this test instead of leaving an empty panel.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = LabFixture.REPO.resolve("contrib/grafana/gate64.json");
    private static final Pattern METRIC = Pattern.compile("\\bgate64_[a-z0-9_]+");

    /** Every PromQL expression: panel targets and template variable queries. */
    static List<String> queries(Config dashboard) {
        List<String> out = new ArrayList<>();
        for (Config panel : dashboard.getConfigList("panels")) {
            if (panel.hasPath("targets")) {
                for (Config t : panel.getConfigList("targets")) {
                    out.add(t.getString("expr"));
                }
            }
        }
        for (Config v : dashboard.getConfigList("templating.list")) {
            if (v.hasPath("definition")) {
                out.add(v.getString("definition"));
            }
        }
        return out;
    }

    /** The sample names of a Prometheus text exposition ({@code gate64_answer_seconds_bucket} and so on). */
    static Set<String> sampleNames(String exposition) {
        Set<String> out = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
                out.add(line.substring(0, end));
            }
        }
        return out;
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported(@TempDir Path dir) throws Exception {
        Config dashboard = ConfigFactory.parseFile(DASHBOARD.toFile(),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON).setAllowMissing(false)); // strict JSON
        assertEquals("gate64", dashboard.getString("title"));
        Set<String> queried = new TreeSet<>();
        for (String q : queries(dashboard)) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                queried.add(m.group());
            }
        }
        assertTrue(queried.size() >= 30, "the dashboard queries " + queried);

        Set<String> exported = new TreeSet<>(recursorMetrics(dir));
        exported.addAll(gatewayMetrics());
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "queried by contrib/grafana/gate64.json but not exported");
    }

    /** The recursor's /metrics with DNSSEC processing, a script, and the events that register lazy series. */
    private static Set<String> recursorMetrics(Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("hooks.lua"), "-- no hooks\n");
        try (LabFixture f = LabFixture.start("webserver=true", "webserver-address=\"127.0.0.1:0\"", "dnssec=process",
                "dns64-prefix=\"64:ff9b::/96\"", "max-cnames-followed=1", "lua-dns-script=\"" + script + "\"")) {
            f.ask("txtonly.demo.test.", Type.AAAA);  // gate64_dns64_skipped_total{reason="no-a"}
            f.ask("chain.demo.test.", Type.A);       // gate64_limit_hits_total{limit="cname-chain"}
            f.recursor.reloadScript(null);           // gate64_script_reloads_total{result="ok"}
            InetSocketAddress web = f.recursor.webAddress();
            ControlPlaneTest.Response r = ControlPlaneTest.http(web, "GET", "/metrics", ControlPlaneTest.headers(web));
            assertEquals(200, r.status());
            return sampleNames(r.body());
        }
    }

    /** The gateway's /metrics, from its own HTTP server over a stateful service that was not started (no TUN needed). */
    private static Set<String> gatewayMetrics() throws Exception {
        Nat64Settings settings = net.gate64.nat64.config.SettingsLoader.load(null,
                List.of("http-address=\"127.0.0.1:0\"", "pool4=\"192.0.2.0/24\""));
        Nat64Service service = new Nat64Service(settings, System::nanoTime);
        ObservabilityServer http = new ObservabilityServer(new InetSocketAddress("127.0.0.1", 0), settings.httpAccess(), service.control());
        http.start();
        try {
            ControlPlaneTest.Response r = ControlPlaneTest.http(http.address(), "GET", "/metrics",
                    ControlPlaneTest.headers(http.address()));
            assertEquals(200, r.status(), r.body());
            return sampleNames(r.body());
        } finally {
            http.stop();
        }
    }
}
