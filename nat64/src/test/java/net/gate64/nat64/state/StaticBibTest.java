package net.gate64.nat64.state;

import static net.gate64.nat64.state.StatefulBed.*;
import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Static bindings (the {@code bib} setting; RFC 6146 §3.5.1, IPv4-initiated traffic to an IPv6 server). */
class StaticBibTest {
    private static final String POOL = "198.51.100.1";

    @Test
    void ipv4HostsReachAStaticBindingAndItOutlivesItsSessions() {
        StatefulBed bed = new StatefulBed("198.51.100.0/30", 1024, 65535, PortPlan.DEFAULT);
        new StaticBinding(6, addr(CLIENT), 80, v4(POOL), 8080).addTo(bed.bib);
        byte[] syn = bed.send(tcp4("203.0.113.9", 5000, POOL, 8080, 0x02));
        assertEquals(6, (syn[0] & 0xf0) >>> 4);
        assertArrayEquals(addr(CLIENT), slice(syn, 24, 16));
        assertArrayEquals(addr("2001:db8:64::cb00:7109"), slice(syn, 8, 16));
        assertEquals(80, u16(syn, 42));
        assertTrue(v6TransportOk(syn, 40, 20, 6));
        byte[] synAck = bed.send(tcp6(CLIENT, 80, "2001:db8:64::cb00:7109", 5000, 0x12));
        assertEquals(v4(POOL), (int) u32(synAck, 12), "the server answers from the static address");
        assertEquals(8080, u16(synAck, 20));
        bed.advance(Duration.ofMinutes(130));
        assertEquals(1, bed.sessions.sweep());
        assertEquals(1, bed.bib.size(), "a static binding stays without sessions");
        assertEquals(1, bed.bib.staticEntries().size());
    }

    @Test
    void conflictsAreRefused() {
        StatefulBed bed = new StatefulBed("198.51.100.0/30", 1024, 65535, PortPlan.DEFAULT);
        new StaticBinding(17, addr(CLIENT), 53, v4(POOL), 53).addTo(bed.bib);
        assertThrows(IllegalArgumentException.class,
                () -> new StaticBinding(17, addr("2001:db8:1::99"), 53, v4(POOL), 53).addTo(bed.bib), "IPv4 side taken");
        assertThrows(IllegalArgumentException.class,
                () -> new StaticBinding(17, addr(CLIENT), 53, v4(POOL), 54).addTo(bed.bib), "IPv6 side taken");
        assertThrows(IllegalArgumentException.class,
                () -> new StaticBinding(17, addr(CLIENT), 54, v4("203.0.113.1"), 53).addTo(bed.bib), "outside pool4");
        new StaticBinding(6, addr(CLIENT), 53, v4(POOL), 53).addTo(bed.bib); // another protocol is another BIB
        byte[] v4 = bed.send(udp6("2001:db8:1::77", 53, SERVER6, 53));
        boolean same = u32(v4, 12) == (v4(POOL) & 0xffffffffL) && u16(v4, 20) == 53;
        assertFalse(same, "a dynamic binding never takes a static one's transport address");
    }

    @Test
    void aRemovedStaticBindingGoesWithItsLastSession() {
        StatefulBed bed = new StatefulBed("198.51.100.0/30", 1024, 65535, PortPlan.DEFAULT);
        new StaticBinding(17, addr(CLIENT), 53, v4(POOL), 5353).addTo(bed.bib);
        assertTrue(bed.send(udp4("203.0.113.9", 4000, POOL, 5353)).length > 0);
        assertTrue(bed.bib.removeStatic(17, addr(CLIENT), 53));
        assertFalse(bed.bib.removeStatic(17, addr(CLIENT), 53), "no longer static");
        assertEquals(1, bed.bib.size(), "still carries its session");
        bed.advance(Duration.ofMinutes(6));
        assertEquals(1, bed.sessions.sweep());
        assertEquals(0, bed.bib.size());
        assertEquals(0, bed.bib.clients());
    }
}
