package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.ReloadOutcome;
import net.gate64.resolver.config.SettingsSource;
import net.gate64.resolver.lab.LabServer;
import net.gate64.resolver.lab.SignedLab;
import net.gate64.testing.Requires;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Trust anchors changed while the recursor runs, against the signed lab ({@link SignedLab} on 127.0.59.1-3, port 53):
 * by the config file and {@code reload-config}, and by {@code control add-ta}. A recursor that trusts another root key
 * finds the lab Bogus; given the lab's root DS it validates the same names Secure, without a restart, and the data it
 * had already fetched is not fetched again (only the keys the new chain needs are).
 */
@Requires(what = "the DNSSEC reload tests (the signed lab on 127.0.59.x:53)", port53 = true,
        exclusive = "127.0.59")
class DnssecReloadEndToEndTest {
    static SignedLab lab;
    static Path hints;
    static final String OTHER_ROOT = "20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        lab = SignedLab.start("127.0.59", 53);
        hints = lab.writeHints(Files.createTempFile("signed", ".hints"));
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    static String config(String rootAnchor, String... more) {
        StringBuilder sb = new StringBuilder("""
                local-address = ["127.0.0.1:0"]
                webserver = true
                webserver-address = "127.0.0.1:0"
                api-key = "%s"
                threads = 1
                dnssec = validate
                hint-file = "%s"
                dont-query = []
                network-timeout = 1000
                trust-anchors = { "." = ["%s"] }
                """.formatted(ControlPlaneTest.KEY, hints, rootAnchor));
        for (String m : more) {
            sb.append(m).append('\n');
        }
        return sb.toString();
    }

    static long asked(String name, int type) throws Exception {
        Name n = Name.fromString(name);
        long count = 0;
        for (LabServer s : lab.servers()) {
            count += s.received().stream().filter(r -> r.getName().equals(n) && r.getType() == type).count();
        }
        return count;
    }

    @Test
    void aTrustAnchorFromTheFileTakesEffectOnReload() throws Exception {
        Path conf = dir.resolve("recursor.conf");
        Files.writeString(conf, config(OTHER_ROOT));
        try (Recursor r = Recursor.start(new SettingsSource(conf, List.of()))) {
            Message bogus = DnssecEndToEndTest.ask(r, "www.secure.test.", Type.A, "do");
            assertEquals(Rcode.SERVFAIL, bogus.getRcode(), "another root key: the lab's chain does not validate");
            long asked = asked("www.secure.test.", Type.A);
            Files.writeString(conf, config(lab.rootAnchor()));
            ReloadOutcome o = r.reloadConfig();
            assertEquals(List.of("trust-anchors"), o.applied(), o.text());
            assertTrue(o.text().contains("validation verdicts for . and below"), o.text());
            Message secure = DnssecEndToEndTest.ask(r, "www.secure.test.", Type.A, "do");
            assertEquals(Rcode.NOERROR, secure.getRcode());
            assertTrue(DnssecEndToEndTest.ad(secure), "Secure with the lab's anchor");
            assertEquals(asked, asked("www.secure.test.", Type.A), "the A RRset came from the record cache");
        }
    }

    /**
     * {@code add-ta} for a zone below the root with a DS that matches none of its keys makes that zone Bogus (the
     * closest anchor wins); {@code clear-ta} takes it away again and the zone is Secure. Both without a restart.
     */
    @Test
    void addTaAndClearTaOverTheControlCli() throws Exception {
        Path conf = dir.resolve("recursor.conf");
        Files.writeString(conf, config(lab.rootAnchor()));
        try (Recursor r = Recursor.start(new SettingsSource(conf, List.of()))) {
            assertTrue(DnssecEndToEndTest.ad(DnssecEndToEndTest.ask(r, "www.secure.test.", Type.A, "do")));
            String address = "--address=127.0.0.1:" + r.webAddress().getPort();
            String key = "--api-key=" + ControlPlaneTest.KEY;
            ControlVerbsTest.Run add = ControlVerbsTest.run("control", address, key, "add-ta", "secure.test", "12345", "13",
                    "2", "0000000000000000000000000000000000000000000000000000000000000001");
            assertEquals(0, add.code(), add.err());
            assertTrue(add.out().contains("verdicts wiped for [secure.test.]"), add.out());
            assertEquals(Rcode.SERVFAIL, DnssecEndToEndTest.ask(r, "www.secure.test.", Type.A, "do").getRcode(),
                    "an anchor that matches no key of the zone");
            String tas = ControlVerbsTest.run("control", address, "get-tas").out();
            assertTrue(tas.contains("secure.test.\tDS\t12345 13 2 ") && tas.contains(".\tDS\t" + lab.rootAnchor()), tas);
            ControlVerbsTest.Run clear = ControlVerbsTest.run("control", address, key, "clear-ta", "secure.test");
            assertEquals(0, clear.code(), clear.err());
            assertTrue(DnssecEndToEndTest.ad(DnssecEndToEndTest.ask(r, "www.secure.test.", Type.A, "do")), "Secure again");
        }
    }
}
