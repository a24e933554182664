package net.gate64.nat64.state;

import static net.gate64.nat64.state.StatefulBed.*;
import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import net.gate64.nat64.translate.DropReason;
import org.junit.jupiter.api.Test;

/** IPv4 packets the state refuses, and the ICMP errors RFC 6146 allows for them; address-dependent filtering. */
class InboundRefusalTest {
    private static final String POOL = "198.51.100.7";

    private static void assertUnreachable(byte[] in, byte[] out, int code) {
        assertEquals(0x45, out[0] & 0xff);
        assertTrue(v4HeaderOk(out, 0));
        assertEquals(v4("192.0.2.1"), (int) u32(out, 12), "from the gateway");
        assertEquals((int) u32(in, 12), (int) u32(out, 16), "to the sender");
        assertEquals(3, out[20]);
        assertEquals(code, out[21]);
        assertArrayEquals(in, slice(out, 28, in.length));
        assertEquals(0, checksum(out, 20, out.length - 20));
    }

    @Test
    void udpWithoutABindingIsAnsweredHostUnreachable() { // RFC 6146 §3.5.1
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, PortPlan.DEFAULT);
        byte[] in = udp4(SERVER, 53, POOL, 40000);
        assertUnreachable(in, bed.send(in), 1);
        assertEquals(1, bed.counters.drops(DropReason.NO_BIB));
    }

    @Test
    void anEchoRequestWithoutABindingIsAnsweredTooButAReplyIsNot() { // RFC 6146 §3.5.3
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, PortPlan.DEFAULT);
        byte[] request = ipv4(SERVER, POOL, 1, 64, 0, 0, 1, icmp(8, 0, 0x12340001, bytes(8, 0)), false);
        assertUnreachable(request, bed.send(request), 1);
        byte[] reply = ipv4(SERVER, POOL, 1, 64, 0, 0, 1, icmp(0, 0, 0x12340001, bytes(8, 0)), false);
        assertEquals(0, bed.send(reply).length);
    }

    @Test
    void tcpWithoutSynIsDroppedSilently() { // RFC 6146 §3.5.2.2
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, PortPlan.DEFAULT);
        assertEquals(0, bed.send(tcp4(SERVER, 80, POOL, 40000, 0x10)).length);
        assertEquals(1, bed.counters.drops(DropReason.NO_BIB));
    }

    @Test
    void addressDependentFilteringLetsInOnlyAddressesTheClientTalkedTo() { // RFC 4787 REQ-8, RFC 6146 §3.5.1
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, PortPlan.DEFAULT, new Limits(1000, 100), true, 64);
        bed.send(udp6(CLIENT, 40000, SERVER6, 53));
        byte[] otherPort = bed.send(udp4(SERVER, 9999, POOL, 40000));
        assertArrayEquals(addr(CLIENT), slice(otherPort, 24, 16), "same address, another port: allowed");
        byte[] stranger = udp4("203.0.113.77", 53, POOL, 40000);
        assertUnreachable(stranger, bed.send(stranger), 13);
        assertEquals(1, bed.counters.drops(DropReason.FILTERED));
        assertEquals(0, bed.send(tcp4("203.0.113.77", 5000, POOL, 40000, 0x02)).length);
        assertEquals(1, bed.counters.drops(DropReason.TCP_SYN_HELD), "a SYN from a stranger may still be a simultaneous open");
        StatefulBed open = new StatefulBed(POOL + "/32", 1024, 65535, PortPlan.DEFAULT);
        open.send(udp6(CLIENT, 40000, SERVER6, 53));
        assertArrayEquals(addr(CLIENT), slice(open.send(stranger), 24, 16), "endpoint-independent by default");
    }

    @Test
    void exhaustionIsAnsweredAddressUnreachable() { // RFC 6146 §3.5.1.1
        StatefulBed bed = new StatefulBed(POOL + "/32", 2000, 2001, PortPlan.DEFAULT);
        bed.send(udp6("2001:db8:1::a", 5000, SERVER6, 53));
        bed.send(udp6("2001:db8:1::b", 5000, SERVER6, 53));
        byte[] in = udp6("2001:db8:1::c", 5000, SERVER6, 53);
        byte[] out = bed.send(in);
        assertEquals(DropReason.POOL4_EXHAUSTED, bed.handler == null ? null : DropReason.POOL4_EXHAUSTED);
        assertEquals(1, bed.counters.drops(DropReason.POOL4_EXHAUSTED));
        assertEquals(0x60, out[0] & 0xf0);
        assertEquals(1, out[40]);
        assertEquals(3, out[41], "address unreachable");
        assertArrayEquals(addr("2001:db8:1::c"), slice(out, 24, 16));
        assertArrayEquals(in, slice(out, 48, in.length));
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }
}
