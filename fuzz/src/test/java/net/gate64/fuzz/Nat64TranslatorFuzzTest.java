package net.gate64.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.EamTable;
import net.gate64.nat64.siit.Rfc6791Pool;
import net.gate64.nat64.siit.SiitMapper;
import net.gate64.nat64.state.Bib;
import net.gate64.nat64.state.FragmentMemory;
import net.gate64.nat64.state.Limits;
import net.gate64.nat64.state.Pool4;
import net.gate64.nat64.state.SessionTable;
import net.gate64.nat64.state.StatefulMapper;
import net.gate64.nat64.state.Timeouts;
import net.gate64.nat64.translate.AddressMapper;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.IcmpRateLimiter;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.translate.Pool6;
import net.gate64.nat64.translate.TranslatorConfig;

/**
 * The gateway's packet path in both directions ({@link PacketHandler}: RFC 7915 translation, ICMP errors,
 * hairpinning, stateful RFC 6146 tables or stateless SIIT), fed a sequence of fuzzed packets so that IPv4 replies can
 * meet the sessions earlier IPv6 packets created. Properties: no exception; every packet sent is a whole IPv4 or
 * IPv6 packet whose length fields match what is sent, with a correct IPv4 header checksum; nothing is written past
 * the output buffer.
 */
class Nat64TranslatorFuzzTest {
    private static final int BUFFER = 70_000;

    private static PacketHandler handler(boolean stateful, int options, long[] clock) {
        Pool6 pool6 = new Pool6(List.of(Nat64Prefix.parse("64:ff9b::/96")), false);
        int gateway4 = 0xc0000201; // 192.0.2.1
        byte[] gateway6 = new byte[16];
        gateway6[0] = 0x20;
        gateway6[1] = 0x01;
        gateway6[2] = 0x0d;
        gateway6[3] = (byte) 0xb8;
        gateway6[15] = 1;
        AddressMapper mapper;
        if (stateful) {
            Bib bib = new Bib(new Pool4(IpNetwork.parse("198.51.100.0/30"), 2000, 2063));
            SessionTable sessions = new SessionTable(bib, new Limits(64, 16), Timeouts.RFC6146, () -> clock[0]);
            mapper = new StatefulMapper(pool6, bib, sessions, new FragmentMemory(64, () -> clock[0]), gateway4);
        } else {
            mapper = new SiitMapper(pool6, new EamTable(List.of()), Rfc6791Pool.none(gateway4, gateway6));
        }
        TranslatorConfig config = new TranslatorConfig(1500, 1500, TranslatorConfig.IPV6_MINIMUM_MTU, (options & 1) != 0,
                gateway4, gateway6, (options & 2) != 0, -1, (options & 4) != 0);
        return new PacketHandler(mapper, config, new IcmpRateLimiter(1000, 1000, () -> clock[0]), new Counters(), BUFFER);
    }

    @FuzzTest(maxDuration = "10s")
    void translate(FuzzedDataProvider in) {
        long[] clock = {1_000_000_000L};
        PacketHandler h = handler(in.consumeBoolean(), in.consumeInt(0, 7), clock);
        byte[] out = new byte[BUFFER];
        int packets = in.consumeInt(1, 6);
        for (int i = 0; i < packets && in.remainingBytes() > 0; i++) {
            byte[] packet = i == packets - 1 ? in.consumeRemainingAsBytes() : in.consumeBytes(in.consumeInt(0, 1600));
            clock[0] += in.remainingBytes() > 0 ? in.consumeInt(0, 400) * 1_000_000_000L : 0;
            int m = h.handle(packet, packet.length, out);
            if (m < 0 || m > BUFFER) {
                throw new AssertionError("returned " + m);
            }
            if (m == 0) {
                continue;
            }
            byte[] o = h.output();
            for (int k = 0; k < h.packetCount(); k++) {
                check(o, h.packetOffset(k), h.packetLength(k, m));
            }
        }
    }

    /** A whole IPv4 or IPv6 packet at {@code o[off..off+len)}. */
    static void check(byte[] o, int off, int len) {
        if (len < 20 || off < 0 || off + len > o.length) {
            throw new AssertionError("packet of " + len + " at " + off);
        }
        int version = (o[off] & 0xf0) >>> 4;
        if (version == 4) {
            int ihl = (o[off] & 0x0f) * 4;
            int total = u16(o, off + 2);
            if (ihl < 20 || total != len) {
                throw new AssertionError("IPv4 total length " + total + ", sent " + len + ", ihl " + ihl);
            }
            long sum = 0;
            for (int i = 0; i < ihl; i += 2) {
                sum += u16(o, off + i);
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xffff) + (sum >>> 16);
            }
            if (sum != 0xffff) {
                throw new AssertionError("bad IPv4 header checksum");
            }
        } else if (version == 6) {
            if (len < 40 || u16(o, off + 4) + 40 != len) {
                throw new AssertionError("IPv6 payload length " + u16(o, off + 4) + ", sent " + len);
            }
        } else {
            throw new AssertionError("version " + version + " sent");
        }
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
