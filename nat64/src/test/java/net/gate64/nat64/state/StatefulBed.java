package net.gate64.nat64.state;

import static net.gate64.nat64.testing.Wire.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.IcmpRateLimiter;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.translate.Pool6;
import net.gate64.nat64.translate.TranslatorConfig;

/**
 * A stateful packet path for tests: pool6 2001:db8:64::/96, the given pool4 and port plan, a fake clock, gateway
 * 192.0.2.1 / 2001:db8:64::c000:201.
 */
final class StatefulBed {
    static final String CLIENT = "2001:db8:1::10";
    static final String SERVER6 = "2001:db8:64::cb00:7105"; // 203.0.113.5
    static final String SERVER = "203.0.113.5";
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final Counters counters = new Counters();
    final Bib bib;
    final SessionTable sessions;
    final PacketHandler handler;
    final byte[] out = new byte[70000];

    StatefulBed(String pool4, int portMin, int portMax, PortPlan plan) {
        this(pool4, portMin, portMax, plan, NatEventSink.NONE);
    }

    StatefulBed(String pool4, int portMin, int portMax, PortPlan plan, NatEventSink events) {
        this(pool4, portMin, portMax, plan, events, new Limits(1000, 100), false, HeldSyns.DEFAULT_CAPACITY);
    }

    StatefulBed(String pool4, int portMin, int portMax, PortPlan plan, Limits limits, boolean adf, int heldSyns) {
        this(pool4, portMin, portMax, plan, NatEventSink.NONE, limits, adf, heldSyns);
    }

    StatefulBed(String pool4, int portMin, int portMax, PortPlan plan, NatEventSink events, Limits limits, boolean adf,
                int heldSyns) {
        bib = new Bib(new Pool4(IpNetwork.parse(pool4), portMin, portMax), events, plan);
        sessions = new SessionTable(bib, limits, Timeouts.RFC6146, now::get, adf, heldSyns);
        Pool6 pool6 = new Pool6(List.of(Nat64Prefix.parse("2001:db8:64::/96")), false);
        StatefulMapper mapper = new StatefulMapper(pool6, bib, sessions, new FragmentMemory(100, now::get), v4("192.0.2.1"));
        TranslatorConfig config = TranslatorConfig.of(1500, true, v4("192.0.2.1"), addr("2001:db8:64::c000:201"));
        handler = new PacketHandler(mapper, config, new IcmpRateLimiter(1000, 1000, now::get), counters, 70000);
    }

    byte[] send(byte[] packet) {
        int n = handler.handle(packet, packet.length, out);
        return slice(handler.output(), 0, n);
    }

    byte[] expired() {
        int n = handler.expired(out);
        return slice(handler.output(), 0, n);
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    static byte[] udp6(String src, int sport, String dst, int dport) {
        return ipv6(src, dst, 17, 64, 0, udp(sport, dport, bytes(20, sport)));
    }

    static byte[] udp4(String src, int sport, String dst, int dport) {
        return ipv4(src, dst, 17, 64, 0, 0, 1, udp(sport, dport, bytes(20, sport)), false);
    }

    static byte[] tcp6(String src, int sport, String dst, int dport, int flags) {
        return ipv6(src, dst, 6, 64, 0, tcp(sport, dport, flags, bytes(0, 0)));
    }

    static byte[] tcp4(String src, int sport, String dst, int dport, int flags) {
        return ipv4(src, dst, 6, 64, 0, 0x4000, 1, tcp(sport, dport, flags, bytes(0, 0)), false);
    }

    static String fmt(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}
