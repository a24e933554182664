package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class AclAndFailureTest {
    @Test
    void clientsOutsideAllowFromAreRefusedAndCounted() throws Exception {
        try (LabFixture f = LabFixture.start("allow-from=[\"127.0.0.2/32\"]")) {
            Message m = f.client(false).send(LabFixture.question("v4only.demo.test.", Type.A, true));
            assertEquals(Rcode.REFUSED, m.getRcode());
            assertEquals(1, f.metric("gate64_answers_total", "rcode", "refused"), "a REFUSED sent is an answer");
            assertEquals(1, f.metric("gate64_acl_refusals_total"));
            assertEquals(0, f.metric("gate64_drops_total", "reason", "acl"));
            assertEquals(0, f.lab.received().size(), "nothing resolved for a refused client");
        }
    }

    @Test
    void aResponseFromOutsideAllowFromIsDroppedNotRefused() throws Exception {
        try (LabFixture f = LabFixture.start("allow-from=[\"127.0.0.2/32\"]");
             java.net.DatagramSocket s = new java.net.DatagramSocket()) {
            byte[] response = LabFixture.question("v4only.demo.test.", Type.A, false).toWire();
            response[2] |= (byte) 0x80; // QR=1: a REFUSED back could start a loop with another server
            s.send(new java.net.DatagramPacket(response, response.length, f.dns()));
            MetricsAddUpTest.await(() -> f.metric("gate64_drops_total", "reason", "acl") == 1, "the response is dropped");
            assertEquals(1, f.metric("gate64_acl_refusals_total"));
            assertEquals(0, f.metric("gate64_answers_total", "rcode", "refused"), "nothing was sent back");
        }
    }

    /** allow-from = [] fails closed: nobody is served (the conf comment says so; PowerDNS would serve everybody). */
    @Test
    void emptyAllowFromRefusesEverybody() throws Exception {
        try (LabFixture f = LabFixture.start("allow-from=[]")) {
            for (boolean tcp : new boolean[] {false, true}) {
                Message m = f.client(tcp).send(LabFixture.question("v4only.demo.test.", Type.A, true));
                assertEquals(Rcode.REFUSED, m.getRcode(), tcp ? "tcp" : "udp");
            }
            assertEquals(0, f.lab.received().size(), "nothing resolved");
        }
    }

    @Test
    void everybodyIsServedOnlyWhenSaidSo() throws Exception {
        try (LabFixture f = LabFixture.start("allow-from=[\"0.0.0.0/0\", \"::/0\"]")) {
            assertEquals(Rcode.NOERROR, f.ask("v4only.demo.test.", Type.A).getRcode());
        }
    }

    @Test
    void deadForwarderGivesServfail() throws Exception {
        int deadPort;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            deadPort = s.getLocalPort(); // closed again below: nothing listens there
        }
        try (LabFixture f = LabFixture.start("forward-zones={\"demo.test\"=[\"127.0.0.1:" + deadPort + "\"]}", "network-timeout=300")) {
            assertEquals(Rcode.SERVFAIL, f.ask("v4only.demo.test.", Type.A).getRcode());
            assertEquals(1, f.metric("gate64_answers_total", "rcode", "servfail"));
        }
    }

    @Test
    void namesOutsideTheLabAreDeniedByTheLabRoot() throws Exception {
        try (LabFixture f = LabFixture.start()) { // the fixture forwards "." to the lab, whose root knows no com.
            assertEquals(Rcode.NXDOMAIN, f.ask("example.com.", Type.A).getRcode());
        }
    }

    @Test
    void unreachableRootServersGiveServfail(@TempDir Path dir) throws Exception {
        Path hints = dir.resolve("hints.zone");
        Files.writeString(hints, ".  3600000 NS a.root.lab.\na.root.lab.  3600000 A 127.0.99.99\n"); // nothing listens
        try (Recursor r = Recursor.start(SettingsLoader.load(null, List.of("local-address=[\"127.0.0.1:0\"]",
                "webserver=false", "dnssec=off", "hint-file=\"" + hints + "\"", "dont-query=[]", "network-timeout=200")))) {
            SimpleResolver client = new SimpleResolver(r.dnsAddresses().get(0));
            client.setTimeout(Duration.ofSeconds(5));
            Message reply = client.send(LabFixture.question("example.com.", Type.A, true));
            assertEquals(Rcode.SERVFAIL, reply.getRcode());
        }
    }
}
