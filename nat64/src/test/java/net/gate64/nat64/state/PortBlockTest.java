package net.gate64.nat64.state;

import static net.gate64.nat64.state.StatefulBed.*;
import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.gate64.common.IpNetwork;
import net.gate64.nat64.translate.DropReason;
import org.junit.jupiter.api.Test;

/**
 * Port blocks (issue 15 item 1): dynamic bulk allocation (RFC 6888 REQ-2 paired, REQ-4 per-client limit, REQ-14
 * bulk), port preservation and parity inside blocks (RFC 4787 REQ-3, REQ-4), exhaustion answered with ICMPv6
 * Destination Unreachable code 3 (RFC 6146 §3.5.1.1); RFC 7422 deterministic ranges.
 */
class PortBlockTest {
    private static final String POOL = "198.51.100.7";

    /** Records the port-block events, as the session logger would get them. */
    static final class Recorder implements NatEventSink {
        final List<String> events = new ArrayList<>();

        @Override
        public void portBlockCreated(PortBlock b) {
            events.add("+" + b);
        }

        @Override
        public void portBlockDeleted(PortBlock b) {
            events.add("-" + b);
        }
    }

    private static int port(byte[] v4) {
        return u16(v4, 20);
    }

    @Test
    void aClientsBindingsShareItsBlocksAndTheSourcePortChoosesTheBlock() {
        Recorder rec = new Recorder();
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, new PortPlan(128, true, 64, 2, null), rec);
        // block 609 = 40000-40063 holds the source port: taken, and the port itself kept
        assertEquals(40000, port(bed.send(udp6(CLIENT, 40000, SERVER6, 53))));
        assertEquals(List.of("+2001:db8:1::10/128 <-> " + POOL + ":40000-40063"), rec.events);
        assertEquals(40001, port(bed.send(udp6(CLIENT, 40001, SERVER6, 53))), "same block, no new event");
        assertEquals(1, rec.events.size());
        assertEquals(5000, port(bed.send(udp6(CLIENT, 5000, SERVER6, 53))), "a second block, 4992-5055");
        assertEquals(2, rec.events.size());
        int other = port(bed.send(udp6(CLIENT, 60000, SERVER6, 53)));
        assertTrue(other >= 40000 && other <= 40063 || other >= 4992 && other <= 5055, "inside its blocks: " + other);
        assertEquals(0, other & 1, "of the source port's parity");
        assertEquals(2, bed.bib.blocksInUse());
    }

    @Test
    void aFullClientIsRefusedWithAddressUnreachable() { // RFC 6888 REQ-4, RFC 6146 §3.5.1.1
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, new PortPlan(128, true, 16, 2, null), new Recorder());
        for (int p = 20000; p < 20032; p++) {
            assertTrue(bed.send(udp6(CLIENT, p, SERVER6, 53)).length > 0);
        }
        byte[] in = udp6(CLIENT, 20032, SERVER6, 53);
        byte[] out = bed.send(in);
        assertEquals(1, bed.counters.drops(DropReason.CLIENT_PORTS_EXHAUSTED), "32 ports = 2 blocks of 16");
        assertEquals(0x60, out[0] & 0xf0);
        assertEquals(1, out[40]);
        assertEquals(3, out[41]);
        assertArrayEquals(in, slice(out, 48, in.length));
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
        assertTrue(bed.send(udp6("2001:db8:1::11", 20032, SERVER6, 53)).length > 0, "another client has its own");
    }

    @Test
    void blocksStayOnOneAddressAndOthersCannotUseThem() { // RFC 6888 REQ-2 paired pooling
        StatefulBed bed = new StatefulBed("198.51.100.0/30", 1024, 65535, new PortPlan(128, true, 64, 8, null), new Recorder());
        long addr = u32(bed.send(udp6(CLIENT, 40000, SERVER6, 53)), 12);
        for (int p = 1; p < 90; p++) { // within the bed's 100 sessions per client
            assertEquals(addr, u32(bed.send(udp6(CLIENT, 1024 + 211 * p % 60000, SERVER6, 53)), 12));
        }
        byte[] b = bed.send(udp6("2001:db8:1::99", 40000, SERVER6, 53));
        boolean insideA = u32(b, 12) == addr && port(b) >= 40000 && port(b) <= 40063;
        assertFalse(insideA, "another client never gets a port of this client's block");
    }

    @Test
    void aBlockGoesBackWithItsLastBinding() {
        Recorder rec = new Recorder();
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, new PortPlan(128, true, 64, 2, null), rec);
        bed.send(udp6(CLIENT, 40000, SERVER6, 53));
        bed.send(udp6(CLIENT, 40001, SERVER6, 53));
        bed.advance(Duration.ofMinutes(6));
        bed.sessions.sweep();
        assertEquals(List.of("+2001:db8:1::10/128 <-> " + POOL + ":40000-40063",
                "-2001:db8:1::10/128 <-> " + POOL + ":40000-40063"), rec.events);
        assertEquals(0, bed.bib.blocksInUse());
        assertEquals(0, bed.bib.clients());
    }

    @Test
    void aClientPrefixSharesBlocks() { // client-prefix-length: one subscriber, its /64
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, new PortPlan(64, true, 64, 1, null), new Recorder());
        assertEquals(40000, port(bed.send(udp6("2001:db8:1::a", 40000, SERVER6, 53))));
        int second = port(bed.send(udp6("2001:db8:1::b", 40000, SERVER6, 53)));
        assertTrue(second > 40000 && second <= 40063, "the same /64 shares the block: " + second);
        assertEquals(1, bed.bib.blocksInUse());
    }

    @Test
    void thePoolRunsOutOfBlocks() {
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 1151, new PortPlan(128, true, 64, 1, null), new Recorder());
        assertTrue(bed.send(udp6("2001:db8:1::a", 5000, SERVER6, 53)).length > 0);
        assertTrue(bed.send(udp6("2001:db8:1::b", 5000, SERVER6, 53)).length > 0);
        byte[] out = bed.send(udp6("2001:db8:1::c", 5000, SERVER6, 53));
        assertEquals(1, bed.counters.drops(DropReason.POOL4_EXHAUSTED), "1024-1151 is two blocks of 64");
        assertEquals(3, out[41]);
    }

    @Test
    void deterministicRangesAreComputedFromTheClientAddress() { // RFC 7422 §2
        PortPlan plan = new PortPlan(128, true, 64, 4, IpNetwork.parse("2001:db8:100::/120"));
        StatefulBed bed = new StatefulBed("198.51.100.0/30", 1024, 65535, plan, new Recorder());
        // 1008 blocks per address, 252 clients of 4 x 64 ports each per address: client 5 = address .0, 2304-2559
        byte[] v4 = bed.send(udp6("2001:db8:100::5", 40000, SERVER6, 53));
        assertEquals(v4("198.51.100.0"), (int) u32(v4, 12));
        assertTrue(port(v4) >= 2304 && port(v4) <= 2559, "its own range: " + port(v4));
        assertEquals(0, port(v4) & 1);
        assertEquals(2400, port(bed.send(udp6("2001:db8:100::5", 2400, SERVER6, 53))), "preserved inside the range");
        assertEquals(5, bed.bib.deterministicClient(v4("198.51.100.0"), port(v4)), "and back: who had it");
        byte[] last = bed.send(udp6("2001:db8:100::ff", 40000, SERVER6, 53));
        assertEquals(v4("198.51.100.1"), (int) u32(last, 12), "client 255 = the second address, 3 ranges in");
        assertTrue(port(last) >= 1024 + 3 * 256 && port(last) < 1024 + 4 * 256);
        assertEquals(255, bed.bib.deterministicClient(v4("198.51.100.1"), port(last)));
        assertEquals(0, bed.bib.blocksInUse(), "nothing allocated, nothing logged");
    }

    @Test
    void deterministicModeRefusesClientsOutsideItsPrefixAndPlansThatDoNotFit() {
        PortPlan plan = new PortPlan(128, true, 64, 4, IpNetwork.parse("2001:db8:100::/120"));
        StatefulBed bed = new StatefulBed("198.51.100.0/30", 1024, 65535, plan, new Recorder());
        byte[] in = udp6("2001:db8:200::5", 40000, SERVER6, 53);
        byte[] out = bed.send(in);
        assertEquals(1, bed.counters.drops(DropReason.CLIENT_OUTSIDE_MAP));
        assertEquals(1, out[40]);
        assertEquals(1, out[41], "administratively prohibited");
        PortPlan tooMany = new PortPlan(128, true, 64, 4, IpNetwork.parse("2001:db8:100::/112"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Bib(new Pool4(IpNetwork.parse("198.51.100.0/30"), 1024, 65535), NatEventSink.NONE, tooMany));
        assertTrue(e.getMessage().contains("65536 clients"), e.getMessage());
    }

    @Test
    void aDeterministicClientUsesOnlyItsRange() {
        PortPlan plan = new PortPlan(128, true, 16, 1, IpNetwork.parse("2001:db8:100::/124"));
        StatefulBed bed = new StatefulBed(POOL + "/32", 1024, 65535, plan, new Recorder());
        for (int p = 0; p < 16; p++) {
            assertTrue(bed.send(udp6("2001:db8:100::3", 30000 + p, SERVER6, 53)).length > 0);
        }
        bed.send(udp6("2001:db8:100::3", 30016, SERVER6, 53));
        assertEquals(1, bed.counters.drops(DropReason.CLIENT_PORTS_EXHAUSTED), "16 ports, all used");
    }
}
