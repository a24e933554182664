package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class AclAndFailureTest {
    @Test
    void clientsOutsideAllowFromAreRefusedAndCounted() throws Exception {
        try (LabFixture f = LabFixture.start("allow-from=[\"127.0.0.2/32\"]")) {
            Message m = f.client(false).send(LabFixture.question("v4only.demo.test.", Type.A, true));
            assertEquals(Rcode.REFUSED, m.getRcode());
            assertEquals(1, f.metric("gate64_drops_total", "reason", "acl"));
            assertEquals(0, f.lab.received().size(), "nothing resolved for a refused client");
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
    void questionsOutsideEveryForwardZoneFailWithoutAnIterator() throws Exception {
        try (LabFixture f = LabFixture.start()) {
            assertEquals(Rcode.SERVFAIL, f.ask("example.com.", Type.A).getRcode());
        }
    }
}
