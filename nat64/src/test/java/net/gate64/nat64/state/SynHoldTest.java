package net.gate64.nat64.state;

import static net.gate64.nat64.state.StatefulBed.*;
import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import net.gate64.nat64.translate.DropReason;
import org.junit.jupiter.api.Test;

/** RFC 6146 §3.5.2.2: unsolicited IPv4 SYNs are held 6 s for a simultaneous open, then answered. */
class SynHoldTest {
    private static final String POOL = "198.51.100.7";

    private static StatefulBed bed(int held) {
        return new StatefulBed(POOL + "/32", 1024, 65535, PortPlan.DEFAULT, new Limits(1000, 100), false, held);
    }

    @Test
    void anUnsolicitedSynIsHeldThenAnsweredWithPortUnreachable() {
        StatefulBed bed = bed(64);
        byte[] syn = tcp4("203.0.113.9", 5000, POOL, 40000, 0x02);
        assertEquals(0, bed.send(syn).length, "nothing goes out at once");
        assertEquals(1, bed.counters.drops(DropReason.TCP_SYN_HELD));
        assertEquals(1, bed.sessions.held().size());
        bed.advance(Duration.ofSeconds(5));
        assertEquals(0, bed.expired().length, "not before 6 seconds");
        bed.advance(Duration.ofSeconds(1));
        byte[] error = bed.expired();
        assertEquals(0x45, error[0] & 0xff);
        assertTrue(v4HeaderOk(error, 0));
        assertEquals(v4(POOL), (int) u32(error, 12), "from the address the SYN was sent to");
        assertEquals(v4("203.0.113.9"), (int) u32(error, 16));
        assertEquals(3, error[20]);
        assertEquals(3, error[21], "port unreachable");
        assertArrayEquals(syn, slice(error, 28, syn.length), "quoting the SYN");
        assertEquals(0, checksum(error, 20, error.length - 20));
        assertEquals(0, bed.sessions.held().size());
        assertEquals(0, bed.expired().length, "answered once");
        assertEquals(1, bed.sessions.held().expiredTotal());
    }

    @Test
    void aSimultaneousOpenConsumesTheHeldSyn() {
        StatefulBed bed = bed(64);
        bed.send(tcp4("203.0.113.9", 5000, POOL, 40000, 0x02));
        // the IPv6 client opens the same connection: port preservation gives it POOL:40000
        byte[] out = bed.send(tcp6(CLIENT, 40000, "2001:db8:64::cb00:7109", 5000, 0x02));
        assertEquals(v4(POOL), (int) u32(out, 12));
        assertEquals(40000, u16(out, 20));
        assertEquals(0, bed.sessions.held().size(), "the held SYN is gone");
        assertEquals(1, bed.sessions.held().openedTotal());
        assertEquals(TcpState.ESTABLISHED, bed.sessions.list().getFirst().tcpState(),
                "V4 INIT + V6 SYN = established (RFC 6146 §3.5.2.2)");
        byte[] retransmitted = bed.send(tcp4("203.0.113.9", 5000, POOL, 40000, 0x02));
        assertArrayEquals(addr(CLIENT), slice(retransmitted, 24, 16), "the IPv4 side's next SYN gets through");
        bed.advance(Duration.ofSeconds(7));
        assertEquals(0, bed.expired().length, "no Port Unreachable for an opened connection");
    }

    @Test
    void aFullStoreAnswersAtOnce() {
        StatefulBed bed = bed(1);
        assertEquals(0, bed.send(tcp4("203.0.113.9", 5000, POOL, 40000, 0x02)).length);
        byte[] second = bed.send(tcp4("203.0.113.9", 5001, POOL, 40001, 0x02));
        assertEquals(3, second[20]);
        assertEquals(3, second[21]);
        StatefulBed none = bed(0);
        assertEquals(3, none.send(tcp4("203.0.113.9", 5000, POOL, 40000, 0x02))[21], "max-held-syns 0: answered now");
    }

    @Test
    void aRetransmittedSynKeepsTheFirstDeadline() {
        StatefulBed bed = bed(64);
        bed.send(tcp4("203.0.113.9", 5000, POOL, 40000, 0x02));
        bed.advance(Duration.ofSeconds(4));
        bed.send(tcp4("203.0.113.9", 5000, POOL, 40000, 0x02));
        assertEquals(1, bed.sessions.held().size());
        bed.advance(Duration.ofSeconds(2));
        assertTrue(bed.expired().length > 0, "6 s after the first SYN");
    }
}
