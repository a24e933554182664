package net.gate64.resolver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import net.gate64.config.Build;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.config.SettingsLoader;
import org.junit.jupiter.api.Test;

/**
 * The start-up summary says which settings are in force: version and file, listeners and ACL, webserver, DNSSEC mode
 * and anchors, DNS64 prefixes (global and per client), forwarding, the hook script and the caches.
 */
class StartupSummaryTest {
    private static final Path SHIPPED = Path.of("../conf/recursor.conf");
    private static final List<InetSocketAddress> DNS = List.of(new InetSocketAddress("127.0.0.1", 5300));
    private static final InetSocketAddress WEB = new InetSocketAddress("127.0.0.1", 8082);

    private static List<String> lines(Path file, InetSocketAddress web, String... overrides) {
        RecursorSettings s = SettingsLoader.load(file, List.of(overrides));
        return StartupSummary.lines(s, DNS, web, file);
    }

    /** The line that starts with {@code prefix}. */
    private static String line(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in " + lines));
    }

    @Test
    void theShippedFileSummarisedLineByLine() {
        List<String> l = lines(SHIPPED, WEB);
        String[][] expected = { // line start, what it must say
            {"gate64 recursor ", Build.version() + " running; config " + SHIPPED},
            {"listening for DNS on ", "127.0.0.1:5300 (UDP and TCP"},
            {"listening for DNS on ", "clients allowed: "},
            {"webserver on ", "http://127.0.0.1:8082"},
            {"webserver on ", "api-key not set (state-changing control disabled)"},
            {"dnssec: ", "dnssec: validate; trust anchors: . DS 20326"},
            {"dnssec: ", "(IANA root); negative trust anchors: none"},
            {"dns64: ", "dns64: prefix 64:ff9b::/96; per client: none"},
            {"forward-zones: ", "forward-zones: none; forward-zones-recurse: none; other names by iteration"},
            {"hook script: ", "hook script: none"},
            {"caches: ", "caches: record 1000000 RRsets"},
        };
        for (String[] e : expected) {
            assertTrue(line(l, e[0]).contains(e[1]), "'" + e[1] + "' missing from: " + line(l, e[0]));
        }
    }

    @Test
    void everythingSwitchedOnIsNamed() {
        List<String> l = lines(SHIPPED, null, "dnssec=process", "negative-trust-anchors={\"example.org\"=\"broken\"}",
                "dns64-clients=[{networks=[\"10.1.0.0/16\"], prefix=\"2001:db8:1:64::/96\"}]",
                "forward-zones={\"corp.example\"=[\"192.0.2.53\"]}",
                "forward-zones-recurse={\".\"=[\"192.0.2.1:5353\"]}",
                "lua-dns-script=\"../contrib/dns64.js\"");
        assertEquals("webserver: off", line(l, "webserver"));
        assertTrue(line(l, "dnssec: ").startsWith("dnssec: process; "), line(l, "dnssec: "));
        assertTrue(line(l, "dnssec: ").endsWith("negative trust anchors: example.org. (broken)"), line(l, "dnssec: "));
        assertTrue(line(l, "dns64: ").contains("per client: 10.1.0.0/16 -> 2001:db8:1:64::/96"), line(l, "dns64: "));
        assertEquals("forward-zones: corp.example. -> 192.0.2.53:53; forward-zones-recurse: . -> 192.0.2.1:5353; "
                + "no iteration (\".\" is forwarded)", line(l, "forward-zones: "));
        assertTrue(line(l, "hook script: ").matches("hook script: \\.\\./contrib/dns64\\.js \\(JavaScript, \\d+ ms per hook call\\)"),
                line(l, "hook script: "));
    }

    @Test
    void builtInDefaultsSayNoFileAndDns64Off() {
        List<String> l = lines(null, WEB, "dnssec=off");
        assertTrue(line(l, "gate64 recursor ").endsWith("config built-in defaults (no --config file)"), l.toString());
        assertEquals("dnssec: off (no validation, no DNSSEC records)", line(l, "dnssec: "));
        assertEquals("dns64: off (dns64-prefix and dns64-clients are empty)", line(l, "dns64: "));
    }
}
