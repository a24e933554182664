package net.gate64.nat64.state;

import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.packet.Bytes;

/**
 * A block of consecutive pool4 ports held by one client (RFC 6888 REQ-14 bulk port allocation): what a carrier logs
 * instead of every binding. {@code clientHi}/{@code clientLo} are the client's address masked to
 * {@code clientPrefixLength} bits; the block covers {@code firstPort..lastPort} on {@code addr4} for TCP, UDP and
 * ICMP identifiers alike.
 */
public record PortBlock(long clientHi, long clientLo, int clientPrefixLength, int addr4, int firstPort, int lastPort) {
    public byte[] client() {
        byte[] b = new byte[16];
        Bytes.put64(b, 0, clientHi);
        Bytes.put64(b, 8, clientLo);
        return b;
    }

    @Override
    public String toString() {
        return Nat64Prefix.format(client()) + "/" + clientPrefixLength + " <-> " + Bytes.ipv4(addr4) + ":" + firstPort
                + "-" + lastPort;
    }
}
