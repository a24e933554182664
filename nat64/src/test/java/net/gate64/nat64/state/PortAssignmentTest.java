package net.gate64.nat64.state;

import static net.gate64.nat64.state.StatefulBed.*;
import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Which pool4 port a new binding gets: RFC 4787 REQ-3/REQ-4 (preservation, parity), RFC 6146 §3.5.1.1. */
class PortAssignmentTest {
    private static final PortPlan PRESERVING = PortPlan.DEFAULT;

    private static int port(byte[] v4) {
        return u16(v4, 20);
    }

    @Test
    void theSourcePortIsKeptWhenFree() { // RFC 4787 REQ-3
        StatefulBed bed = new StatefulBed("198.51.100.7/32", 1024, 65535, PRESERVING);
        byte[] v4 = bed.send(udp6(CLIENT, 40000, SERVER6, 53));
        assertEquals(40000, port(v4));
        assertTrue(v4TransportOk(v4, 20, 28, 17));
        assertEquals(51234, port(bed.send(tcp6(CLIENT, 51234, SERVER6, 80, 0x02))), "TCP too");
    }

    @Test
    void aTakenPortIsReplacedByOneOfTheSameParity() { // RFC 4787 REQ-4
        StatefulBed bed = new StatefulBed("198.51.100.7/32", 1024, 65535, PRESERVING);
        assertEquals(40000, port(bed.send(udp6("2001:db8:1::a", 40000, SERVER6, 53))));
        assertEquals(40001, port(bed.send(udp6("2001:db8:1::b", 40001, SERVER6, 53))));
        for (int i = 0; i < 20; i++) {
            int even = port(bed.send(udp6("2001:db8:1::1:" + i, 40000, SERVER6, 53)));
            assertNotEquals(40000, even);
            assertEquals(0, even & 1, "even stays even");
            int odd = port(bed.send(udp6("2001:db8:1::2:" + i, 40001, SERVER6, 53)));
            assertEquals(1, odd & 1, "odd stays odd");
        }
    }

    @Test
    void wellKnownSourcePortsGetWellKnownPortsWhenTheRangeHasThem() { // RFC 6146 §3.5.1.1
        StatefulBed bed = new StatefulBed("198.51.100.7/32", 1, 65535, PRESERVING);
        assertEquals(123, port(bed.send(udp6("2001:db8:1::a", 123, SERVER6, 123))));
        int second = port(bed.send(udp6("2001:db8:1::b", 123, SERVER6, 123)));
        assertTrue(second < 1024 && second != 123, "another well-known port: " + second);
        assertEquals(1, second & 1);
    }

    @Test
    void withoutPreservationPortsComeRoundRobin() {
        StatefulBed bed = new StatefulBed("198.51.100.7/32", 1024, 65535, new PortPlan(128, false, 0, 0, null));
        assertEquals(1024, port(bed.send(udp6(CLIENT, 40000, SERVER6, 53))));
        assertEquals(1025, port(bed.send(udp6(CLIENT, 40001, SERVER6, 53))));
    }

    @Test
    void theGatewaysOwnAddressIsSharedInASingleAddressPool() { // issue 14 item 8: ipv4-address inside pool4
        StatefulBed bed = new StatefulBed("192.0.2.1/32", 1024, 65535, PRESERVING);
        byte[] v4 = bed.send(udp6(CLIENT, 40000, SERVER6, 53));
        assertEquals(v4("192.0.2.1"), (int) u32(v4, 12), "the gateway's address carries client bindings too");
        byte[] back = bed.send(udp4(SERVER, 53, "192.0.2.1", 40000));
        assertArrayEquals(addr(CLIENT), slice(back, 24, 16));
    }

    @Test
    void oneClientKeepsOneAddress() { // RFC 4787 REQ-2 paired pooling
        StatefulBed bed = new StatefulBed("198.51.100.0/28", 1024, 65535, PRESERVING);
        long first = u32(bed.send(udp6(CLIENT, 40000, SERVER6, 53)), 12);
        for (int p = 40001; p < 40100; p++) {
            assertEquals(first, u32(bed.send(udp6(CLIENT, p, SERVER6, 53)), 12));
        }
    }
}
