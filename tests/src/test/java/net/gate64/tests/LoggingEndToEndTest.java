package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.gate64.resolver.lab.LabServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@code loglevel} and {@code log-format} as an operator sets them: in the config file (not on the command line), read
 * from what the real program writes; per-query lines with {@code quiet = false} only. And the DNS64 decisions: the
 * unusual ones at info, once per name and reason.
 */
class LoggingEndToEndTest {
    private static String config(LabServer lab, String... lines) {
        return "webserver = false\ndnssec = off\ndns64-prefix = \"64:ff9b::/96\"\nforward-zones = "
                + lab.forwardZonesSetting() + "\n" + String.join("\n", lines);
    }

    private static Message ask(InetSocketAddress dns, String name, int type) throws Exception {
        SimpleResolver r = new SimpleResolver(dns);
        r.setTimeout(Duration.ofSeconds(10));
        return r.send(LabFixture.question(name, type, true));
    }

    private static LabServer lab() throws Exception {
        return LabServer.start(new InetSocketAddress("127.0.0.1", 0),
                LabServer.loadZones(LabFixture.REPO.resolve("contrib/lab/demo")));
    }

    @Test
    void debugAndJsonFromTheConfigFile(@TempDir Path dir) throws Exception {
        List<String> lines;
        try (LabServer lab = lab();
             RecursorProcess r = RecursorProcess.start(dir, config(lab, "loglevel = \"debug\"", "log-format = \"json\"", "quiet = false"),
                     LabFixture.question("v4only.demo.test.", Type.A, false))) {
            assertEquals(Rcode.NOERROR, ask(r.dns, "v4only.demo.test.", Type.AAAA).getRcode());
            lines = r.stop();
        }
        assertFalse(lines.isEmpty());
        for (String l : lines) {
            assertTrue(l.startsWith("{\"ts\":\"") && l.endsWith("}") && l.contains(",\"level\":\"")
                    && l.contains(",\"logger\":\"") && l.contains(",\"thread\":\"") && l.contains(",\"msg\":\""),
                    "not a JSON log line: " + l);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"level\":\"info\"") && l.contains("listening on")),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"level\":\"debug\"")
                && l.contains("\"msg\":\"dns64 synthesised\",\"qname\":\"v4only.demo.test.\",\"qtype\":\"AAAA\","
                + "\"reason\":\"synthesised\"")), String.join("\n", lines));
        // quiet = false: every query, as it ended (here the AAAA the test asked, after the start-up probe's A)
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"msg\":\"query\",\"client\":\"127.0.0.1\","
                + "\"qname\":\"v4only.demo.test.\",\"qtype\":\"AAAA\",\"transport\":\"udp\",\"rcode\":\"noerror\",\"ms\":")),
                String.join("\n", lines));
    }

    @Test
    void infoInTextShowsTheUnusualDns64DecisionOnceAndNoDebug(@TempDir Path dir) throws Exception {
        List<String> lines;
        try (LabServer lab = lab();
             RecursorProcess r = RecursorProcess.start(dir, config(lab, "loglevel = \"info\"", "log-format = \"text\"",
                     "dns64-mapped = [\"0.0.0.0/0\", \"!192.0.2.0/24\"]", "max-packetcache-entries = 0"),
                     LabFixture.question("v4only.demo.test.", Type.A, false))) {
            for (int i = 0; i < 3; i++) { // the packet cache is off: each one decides again
                assertEquals(Rcode.NOERROR, ask(r.dns, "v4only.demo.test.", Type.AAAA).getRcode());
            }
            assertEquals(Rcode.NOERROR, ask(r.dns, "txtonly.demo.test.", Type.AAAA).getRcode()); // no-a: routine
            lines = r.stop();
        }
        String all = String.join("\n", lines);
        List<String> skipped = lines.stream().filter(l -> l.contains("msg=\"dns64 skipped\"")).toList();
        assertEquals(1, skipped.size(), all);
        assertTrue(skipped.get(0).matches("ts=\\S+Z level=info logger=Decisions thread=\\S+ msg=\"dns64 skipped\" "
                + "qname=v4only\\.demo\\.test\\. qtype=AAAA reason=unmapped"), skipped.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("level=info logger=DnsServer") && l.contains("listening on")), all);
        assertFalse(all.contains("level=debug"), all);
        assertFalse(all.contains("msg=query"), "quiet = true by default: no per-query lines");
    }
}
