package net.gate64.nat64.state;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.DropReason;
import net.gate64.nat64.translate.IcmpRateLimiter;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.translate.Pool6;
import net.gate64.nat64.translate.TranslatorConfig;
import org.junit.jupiter.api.Test;

/** RFC 6146 behaviour through the whole packet path, with a fake clock. */
class StatefulNat64Test {
    private static final String CLIENT = "2001:db8:1::10";
    private static final String CLIENT2 = "2001:db8:1::20";
    private static final String SERVER6 = "2001:db8:64::cb00:7105"; // 203.0.113.5
    private static final String SERVER2_6 = "2001:db8:64::cb00:7106";
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Counters counters = new Counters();
    private final Bib bib = new Bib(new Pool4(IpNetwork.parse("198.51.100.0/30"), 2000, 2003));
    private final Timeouts timeouts = Timeouts.RFC6146;
    private SessionTable sessions = new SessionTable(bib, new Limits(100, 5), timeouts, now::get);
    private FragmentMemory fragments = new FragmentMemory(100, now::get);
    private PacketHandler handler = handler();
    private final byte[] out = new byte[70000];

    private PacketHandler handler() {
        Pool6 pool6 = new Pool6(List.of(Nat64Prefix.parse("2001:db8:64::/96")), false);
        StatefulMapper mapper = new StatefulMapper(pool6, bib, sessions, fragments, v4("192.0.2.1"));
        TranslatorConfig config = TranslatorConfig.of(1500, true, v4("192.0.2.1"), addr("2001:db8:64::c000:201"));
        return new PacketHandler(mapper, config, new IcmpRateLimiter(100, 100, now::get), counters, 70000);
    }

    private byte[] send(byte[] packet) {
        int n = handler.handle(packet, packet.length, out);
        return slice(handler.output(), 0, n);
    }

    private byte[] udp6(String src, int sport, String dst, int dport) {
        return ipv6(src, dst, 17, 64, 0, udp(sport, dport, bytes(20, sport)));
    }

    private byte[] udp4(String src, int sport, String dst, int dport) {
        return ipv4(src, dst, 17, 64, 0, 0, 1, udp(sport, dport, bytes(20, sport)), false);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void outboundUdpCreatesBindingAndRepliesReturn() {
        byte[] v4 = send(udp6(CLIENT, 5555, SERVER6, 53));
        assertEquals(v4("203.0.113.5"), (int) u32(v4, 16));
        int poolAddr = (int) u32(v4, 12);
        int poolPort = u16(v4, 20);
        assertTrue(new Pool4(IpNetwork.parse("198.51.100.0/30"), 2000, 2003).contains(poolAddr));
        assertTrue(poolPort >= 2000 && poolPort <= 2003);
        assertTrue(v4TransportOk(v4, 20, 28, 17), "checksum covers the new port too");
        assertEquals(1, bib.size());
        assertEquals(1, sessions.size());
        byte[] back = send(udp4("203.0.113.5", 53, fmt(poolAddr), poolPort));
        assertArrayEquals(addr(CLIENT), slice(back, 24, 16));
        assertArrayEquals(addr(SERVER6), slice(back, 8, 16));
        assertEquals(5555, u16(back, 42));
        assertTrue(v6TransportOk(back, 40, 28, 17));
    }

    @Test
    void endpointIndependentMappingAndFiltering() { // RFC 6146 §3.5.1.1, RFC 4787
        byte[] a = send(udp6(CLIENT, 5555, SERVER6, 53));
        byte[] b = send(udp6(CLIENT, 5555, SERVER2_6, 9999));
        assertEquals(u32(a, 12), u32(b, 12), "same IPv4 address for another destination");
        assertEquals(u16(a, 20), u16(b, 20), "same port");
        assertEquals(1, bib.size());
        assertEquals(2, sessions.size());
        byte[] stranger = send(udp4("203.0.113.77", 1234, fmt((int) u32(a, 12)), u16(a, 20)));
        assertEquals(40 + 28, stranger.length, "any IPv4 host may send to an existing UDP binding");
        assertEquals(3, sessions.size());
        byte[] noBinding = send(udp4("203.0.113.77", 1234, fmt((int) u32(a, 12)), 2999));
        assertEquals(1, counters.drops(DropReason.NO_BIB));
        assertEquals(0x45, noBinding[0] & 0xff, "RFC 6146 §3.5.1: answered with ICMPv4 Destination Unreachable");
        assertEquals(3, noBinding[20]);
        assertEquals(1, noBinding[21]);
    }

    @Test
    void unsolicitedTcpWithoutSynIsDroppedAndSynOpens() {
        assertEquals(0, send(ipv6(CLIENT, SERVER6, 6, 64, 0, tcp(40000, 80, 0x10, bytes(0, 0)))).length);
        assertEquals(1, counters.drops(DropReason.NO_SESSION));
        byte[] syn = send(ipv6(CLIENT, SERVER6, 6, 64, 0, tcp(40000, 80, 0x02, bytes(0, 0))));
        assertEquals(40, syn.length);
        assertTrue(v4TransportOk(syn, 20, 20, 6));
        Session s = sessions.list().getFirst();
        assertEquals(TcpState.V6_INIT, s.tcpState());
        String pool = fmt((int) u32(syn, 12));
        int port = u16(syn, 20);
        send(ipv4("203.0.113.5", pool, 6, 64, 0, 0x4000, 1, tcp(80, port, 0x12, bytes(0, 0)), false));
        assertEquals(TcpState.ESTABLISHED, s.tcpState());
        advance(Duration.ofMinutes(100));
        assertEquals(0, sessions.sweep(), "established lives 2 h 4 min");
        send(ipv6(CLIENT, SERVER6, 6, 64, 0, tcp(40000, 80, 0x11, bytes(0, 0))));
        assertEquals(TcpState.V6_FIN_RCV, s.tcpState());
        send(ipv4("203.0.113.5", pool, 6, 64, 0, 0x4000, 1, tcp(80, port, 0x11, bytes(0, 0)), false));
        assertEquals(TcpState.V6_FIN_V4_FIN, s.tcpState());
        advance(Duration.ofMinutes(3));
        assertEquals(0, sessions.sweep());
        advance(Duration.ofMinutes(1).plusSeconds(1));
        assertEquals(1, sessions.sweep(), "closed sessions go after the 4-minute transitory timeout");
        assertEquals(0, bib.size(), "the binding goes with its last session");
    }

    @Test
    void tcpStateMachineTransitions() { // RFC 6146 §3.5.2
        assertEquals(TcpState.ESTABLISHED, TcpState.V6_INIT.next(false, TcpState.SYN | 0x10));
        assertEquals(TcpState.V6_INIT, TcpState.V6_INIT.next(true, TcpState.SYN));
        assertEquals(TcpState.ESTABLISHED, TcpState.V4_INIT.next(true, TcpState.SYN));
        assertEquals(TcpState.TRANS, TcpState.ESTABLISHED.next(true, TcpState.RST));
        assertEquals(TcpState.ESTABLISHED, TcpState.TRANS.next(false, 0x10));
        assertEquals(TcpState.V4_FIN_RCV, TcpState.ESTABLISHED.next(false, TcpState.FIN));
        assertEquals(TcpState.V6_FIN_V4_FIN, TcpState.V4_FIN_RCV.next(true, TcpState.FIN));
    }

    @Test
    void rstMovesToTransitory() {
        byte[] syn = send(ipv6(CLIENT, SERVER6, 6, 64, 0, tcp(40000, 80, 0x02, bytes(0, 0))));
        send(ipv4("203.0.113.5", fmt((int) u32(syn, 12)), 6, 64, 0, 0, 1, tcp(80, u16(syn, 20), 0x12, bytes(0, 0)), false));
        send(ipv6(CLIENT, SERVER6, 6, 64, 0, tcp(40000, 80, 0x04, bytes(0, 0))));
        assertEquals(TcpState.TRANS, sessions.list().getFirst().tcpState());
        advance(Duration.ofMinutes(4).plusSeconds(1));
        assertEquals(1, sessions.sweep());
    }

    @Test
    void udpLivesFiveMinutesIcmpSixtySeconds() {
        send(udp6(CLIENT, 5555, SERVER6, 53));
        send(ipv6(CLIENT, SERVER6, 58, 64, 0, icmp(128, 0, 0x00420001, bytes(8, 0))));
        assertEquals(2, sessions.size());
        advance(Duration.ofSeconds(61));
        assertEquals(1, sessions.sweep(), "ICMP query session gone after 60 s");
        advance(Duration.ofMinutes(4));
        assertEquals(1, sessions.sweep(), "UDP gone after 5 min");
        assertEquals(0, bib.size());
    }

    @Test
    void trafficRefreshesUdp() {
        send(udp6(CLIENT, 5555, SERVER6, 53));
        advance(Duration.ofMinutes(4));
        send(udp6(CLIENT, 5555, SERVER6, 53));
        advance(Duration.ofMinutes(4));
        assertEquals(0, sessions.sweep());
    }

    @Test
    void icmpEchoIdentifierIsMapped() {
        byte[] v4 = send(ipv6(CLIENT, SERVER6, 58, 64, 0, icmp(128, 0, 0x00420001, bytes(8, 0))));
        int id = u16(v4, 24);
        assertTrue(id >= 2000 && id <= 2003);
        assertEquals(0, checksum(v4, 20, v4.length - 20));
        byte[] reply = ipv4("203.0.113.5", fmt((int) u32(v4, 12)), 1, 64, 0, 0, 1, icmp(0, 0, id << 16 | 1, bytes(8, 0)), false);
        byte[] back = send(reply);
        assertEquals(129, back[40] & 0xff);
        assertEquals(0x42, u16(back, 44));
        assertTrue(v6TransportOk(back, 40, back.length - 40, 58));
    }

    @Test
    void icmpErrorFromIpv4RouterReachesTheClient() { // RFC 6146 §3.4 + RFC 7915 §4.3
        byte[] v4 = send(udp6(CLIENT, 5555, SERVER6, 53));
        byte[] quoted = slice(v4, 0, 28);
        byte[] error = ipv4("203.0.113.1", fmt((int) u32(v4, 12)), 1, 64, 0, 0, 1, icmp(11, 0, 0, quoted), false);
        byte[] back = send(error);
        assertEquals(3, back[40], "time exceeded");
        assertArrayEquals(addr(CLIENT), slice(back, 24, 16));
        assertArrayEquals(addr("2001:db8:64::cb00:7101"), slice(back, 8, 16));
        assertArrayEquals(addr(CLIENT), slice(back, 48 + 8, 16), "quoted source is the client again");
        assertEquals(5555, u16(back, 88));
        assertTrue(v6TransportOk(back, 40, back.length - 40, 58));
    }

    @Test
    void icmpv6ErrorFromClientReachesTheServer() {
        byte[] v4 = send(udp6(CLIENT, 5555, SERVER6, 53));
        byte[] back = send(udp4("203.0.113.5", 53, fmt((int) u32(v4, 12)), u16(v4, 20)));
        byte[] error = ipv6(CLIENT, SERVER6, 58, 64, 0, icmp(1, 4, 0, back));
        byte[] toServer = send(error);
        assertEquals(3, toServer[20]);
        assertEquals(3, toServer[21]);
        assertEquals(u32(v4, 12), u32(toServer, 12), "error leaves from the binding's pool4 address");
        assertEquals(v4("203.0.113.5"), (int) u32(toServer, 16));
        assertEquals(u16(v4, 20), u16(toServer, 48 + 2), "quoted destination port is the pool4 port");
        assertTrue(v4TransportOk(toServer, 48, 28, 17));
    }

    @Test
    void limitsAreEnforcedAndCounted() {
        for (int i = 0; i < 5; i++) {
            assertTrue(send(udp6(CLIENT, 6000, SERVER6, 100 + i)).length > 0);
        }
        assertEquals(0, send(udp6(CLIENT, 6000, SERVER6, 200)).length);
        assertEquals(1, counters.drops(DropReason.CLIENT_LIMIT));
        assertTrue(send(udp6(CLIENT2, 6000, SERVER6, 200)).length > 0, "another client has its own budget");
        sessions = new SessionTable(bib, new Limits(1, 0), timeouts, now::get);
        handler = handler();
        assertTrue(send(udp6(CLIENT, 7000, SERVER6, 53)).length > 0);
        assertEquals(0, send(udp6(CLIENT, 7001, SERVER6, 53)).length);
        assertEquals(1, counters.drops(DropReason.SESSION_LIMIT));
    }

    /**
     * max-sessions-per-client counts per client as client-prefix-length defines it: with 64, the addresses a host (or
     * home) uses inside its /64 (RFC 8981 temporary addresses, any address it likes) share one budget, as RFC 6888
     * REQ-4 asks per subscriber; another /64 has its own.
     */
    @Test
    void theSessionBudgetIsPerClientPrefix() {
        StatefulBed bed = new StatefulBed("198.51.100.0/30", 2000, 2100, new PortPlan(64, true, 0, 0, null),
                new Limits(100, 3), false, HeldSyns.DEFAULT_CAPACITY);
        for (String address : List.of("2001:db8:1::a", "2001:db8:1::b", "2001:db8:1:0:8e3f:12ff:fe00:1")) {
            assertTrue(bed.send(StatefulBed.udp6(address, 6000, SERVER6, 53)).length > 0, address);
        }
        assertEquals(0, bed.send(StatefulBed.udp6("2001:db8:1::d", 6000, SERVER6, 53)).length,
                "a fourth address of the same /64 finds the budget spent");
        assertEquals(1, bed.counters.drops(DropReason.CLIENT_LIMIT));
        assertTrue(bed.send(StatefulBed.udp6("2001:db8:1:1::a", 6000, SERVER6, 53)).length > 0, "another /64");
        assertEquals(2, bed.bib.clients());
    }

    @Test
    void pool4ExhaustionIsCounted() {
        // 4 addresses x 4 ports = 16 UDP bindings
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            String client = "2001:db8:1::" + Integer.toHexString(0x100 + i);
            byte[] out = send(udp6(client, 1000, SERVER6, 53));
            if ((out[0] & 0xf0) == 0x40) {
                ok++;
            } else { // RFC 6146 §3.5.1.1: ICMPv6 Destination Unreachable, Address Unreachable
                assertEquals(1, out[40]);
                assertEquals(3, out[41]);
            }
        }
        assertEquals(16, ok);
        assertEquals(4, counters.drops(DropReason.POOL4_EXHAUSTED));
    }

    @Test
    void hairpinning() { // RFC 6146 §3.8
        byte[] a = send(udp6(CLIENT, 5555, SERVER6, 53));
        String poolA = fmt((int) u32(a, 12));
        int portA = u16(a, 20);
        byte[] hp = send(udp6(CLIENT2, 7777, "2001:db8:64::" + hex(v4(poolA)), portA));
        assertEquals(6, (hp[0] & 0xf0) >>> 4, "comes straight back as IPv6");
        assertArrayEquals(addr(CLIENT), slice(hp, 24, 16));
        assertEquals(5555, u16(hp, 42));
        assertTrue(v6TransportOk(hp, 40, 28, 17));
        assertEquals(1, counters.hairpinned.sum());
    }

    @Test
    void laterFragmentsFollowTheFirst() {
        byte[] early = ipv6(CLIENT, SERVER6, 17, 64, 0, bytes(64, 0), 1448, 7, false);
        assertEquals(0, send(early).length, "before its first fragment: no ports, no state");
        assertEquals(1, counters.drops(DropReason.FRAGMENT_WITHOUT_STATE));
        byte[] first = send(ipv6(CLIENT, SERVER6, 17, 64, 0, udp(5555, 53, bytes(1440, 1)), 0, 7, true));
        assertEquals(0x2000, u16(first, 6) & 0x2000, "MF kept");
        byte[] later = send(early);
        assertEquals(20 + 64, later.length);
        assertEquals(u32(first, 12), u32(later, 12), "same pool4 source as the first fragment");
        assertEquals(u32(first, 16), u32(later, 16));
        assertEquals(1448 / 8, u16(later, 6) & 0x1fff);
        assertArrayEquals(bytes(64, 0), slice(later, 20, 64));
        // and back: the server's fragmented answer
        String pool = fmt((int) u32(first, 12));
        int port = u16(first, 20);
        byte[] v4first = ipv4("203.0.113.5", pool, 17, 64, 0, 0x2000, 0x99, udp(53, port, bytes(1000, 3)), false);
        byte[] v6first = send(v4first);
        assertEquals(44, v6first[6]);
        assertArrayEquals(addr(CLIENT), slice(v6first, 24, 16));
        byte[] v4later = ipv4("203.0.113.5", pool, 17, 64, 0, 1008 / 8, 0x99, bytes(200, 4), true);
        byte[] v6later = send(v4later);
        assertArrayEquals(addr(CLIENT), slice(v6later, 24, 16));
        assertArrayEquals(addr(SERVER6), slice(v6later, 8, 16));
        assertEquals(1008, u16(v6later, 42) & 0xfff8);
    }

    /**
     * A full fragment memory drops a new first fragment (fragment_table_full: the fragments after it could not
     * follow it), in both directions, while a datagram already remembered keeps flowing; room comes back with the
     * sweep.
     */
    @Test
    void aFullFragmentMemoryDropsNewFirstFragments() {
        fragments = new FragmentMemory(1, now::get);
        handler = handler();
        byte[] first7 = ipv6(CLIENT, SERVER6, 17, 64, 0, udp(5555, 53, bytes(1440, 1)), 0, 7, true);
        byte[] later7 = ipv6(CLIENT, SERVER6, 17, 64, 0, bytes(64, 0), 1448, 7, false);
        byte[] first8 = ipv6(CLIENT, SERVER6, 17, 64, 0, udp(5555, 53, bytes(1440, 1)), 0, 8, true);
        byte[] v4first = send(first7);
        assertTrue(v4first.length > 0, "room for one datagram");
        assertEquals(0, send(first8).length, "the table is full");
        assertEquals(1, counters.drops(DropReason.FRAGMENT_TABLE_FULL));
        assertTrue(send(first7).length > 0, "a first fragment sent again finds its entry");
        assertEquals(20 + 64, send(later7).length, "and its later fragments still follow it");
        String pool = fmt((int) u32(v4first, 12));
        int port = u16(v4first, 20);
        byte[] v4answer = ipv4("203.0.113.5", pool, 17, 64, 0, 0x2000, 0x99, udp(53, port, bytes(1000, 3)), false);
        assertEquals(0, send(v4answer).length, "IPv4 to IPv6 as well");
        assertEquals(2, counters.drops(DropReason.FRAGMENT_TABLE_FULL));
        assertEquals(0, counters.drops(DropReason.FRAGMENT_WITHOUT_STATE));
        advance(Duration.ofSeconds(6));
        assertEquals(1, fragments.sweep());
        assertTrue(send(first8).length > 0, "room again after the sweep");
        assertEquals(2, counters.drops(DropReason.FRAGMENT_TABLE_FULL));
    }

    private static String fmt(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    private static String hex(int a) {
        return Integer.toHexString(a >>> 16) + ":" + Integer.toHexString(a & 0xffff);
    }
}
