package net.gate64.nat64.log;

import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.state.BibEntry;
import net.gate64.nat64.state.PortBlock;
import net.gate64.nat64.state.Session;

/**
 * One stateful-NAT64 event as the log writers see it: primitives copied from the binding or session when the event
 * happened, stamped with the wall-clock time. Field names follow the IPFIX information elements of RFC 8158 that
 * carry them, in both output formats.
 *
 * @param protocol    the IP protocol the IPv6 client speaks: 6, 17, or 58 for ICMPv6 echo
 * @param srcPort     the client's port (ICMP: its echo identifier)
 * @param nat4        the pool4 address the client appears as (postNATSourceIPv4Address)
 * @param natPort     the pool4 port or identifier (postNAPTSourceTransportPort)
 * @param remote4     sessions: the IPv4 peer (postNATDestinationIPv4Address); 0 for bindings
 * @param remotePort  sessions: the peer's port (0 for ICMP and bindings)
 * @param prefixIndex sessions: which pool6 prefix carries the peer's IPv6 view; -1 for bindings and port blocks
 * @param prefixLength port blocks: the client is the IPv6 prefix of this length (128: one address)
 * @param portStart   port blocks: the first port of the block (portRangeStart); 0 otherwise
 * @param portEnd     port blocks: the last port (portRangeEnd); 0 otherwise
 */
public record NatEvent(Type type, long timeMillis, int protocol, long src6Hi, long src6Lo, int srcPort, int nat4,
                       int natPort, int remote4, int remotePort, int prefixIndex, int prefixLength, int portStart,
                       int portEnd) {

    /** The events, with their RFC 8158 natEvent codes (IANA "NAT Event Type" registry). */
    public enum Type {
        SESSION_CREATE(6, "session-create"),
        SESSION_DELETE(7, "session-delete"),
        BIB_CREATE(10, "bib-create"),
        BIB_DELETE(11, "bib-delete"),
        PORT_BLOCK_CREATE(16, "port-block-create"),
        PORT_BLOCK_DELETE(17, "port-block-delete");

        private final int code;
        private final String label;

        Type(int code, String label) {
            this.code = code;
            this.label = label;
        }

        /** The natEvent value (IPFIX information element 230). */
        public int code() {
            return code;
        }

        /** The name in JSON lines and metrics. */
        public String label() {
            return label;
        }

        public boolean isSession() {
            return this == SESSION_CREATE || this == SESSION_DELETE;
        }

        public boolean isPortBlock() {
            return this == PORT_BLOCK_CREATE || this == PORT_BLOCK_DELETE;
        }
    }

    static NatEvent of(Type type, long timeMillis, BibEntry b) {
        return new NatEvent(type, timeMillis, protocol6(b.proto()), b.addr6Hi(), b.addr6Lo(), b.port6(), b.addr4(),
                b.port4(), 0, 0, -1, 128, 0, 0);
    }

    static NatEvent of(Type type, long timeMillis, PortBlock b) {
        return new NatEvent(type, timeMillis, 0, b.clientHi(), b.clientLo(), 0, b.addr4(), 0, 0, 0, -1,
                b.clientPrefixLength(), b.firstPort(), b.lastPort());
    }

    static NatEvent of(Type type, long timeMillis, Session s) {
        BibEntry b = s.bib();
        return new NatEvent(type, timeMillis, protocol6(b.proto()), b.addr6Hi(), b.addr6Lo(), b.port6(), b.addr4(),
                b.port4(), s.remote4(), s.remotePort(), s.prefixIndex(), 128, 0, 0);
    }

    /** The tables keep ICMP under protocol 1 (their IPv4 side); the client sent ICMPv6. */
    private static int protocol6(int bibProto) {
        return bibProto == 1 ? 58 : bibProto;
    }

    /** The client's IPv6 address (sourceIPv6Address). */
    public byte[] source6() {
        byte[] b = new byte[16];
        put64(b, 0, src6Hi);
        put64(b, 8, src6Lo);
        return b;
    }

    /** Sessions: the peer as the client addressed it, pool6[prefixIndex] + remote4 (destinationIPv6Address). */
    public byte[] destination6(List<Nat64Prefix> pool6) {
        byte[] b = new byte[16];
        if (prefixIndex >= 0 && prefixIndex < pool6.size()) {
            pool6.get(prefixIndex).embed(remote4, b, 0);
        }
        return b;
    }

    private static void put64(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
