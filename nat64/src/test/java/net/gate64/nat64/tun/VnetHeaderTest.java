package net.gate64.nat64.tun;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class VnetHeaderTest {
    @Test
    void tcpv6SuperPacketBecomesTcpv4() {
        // NEEDS_CSUM, GSO_TCPV6 | ECN, hdr_len 60, gso_size 1428, csum_start 40, csum_offset 16 (little-endian)
        byte[] in = {1, (byte) 0x84, 60, 0, (byte) 0x94, 5, 40, 0, 16, 0};
        byte[] pkt = new byte[60];
        pkt[0] = 0x45;
        pkt[32] = 0x50; // TCP data offset 5 words
        byte[] out = new byte[10];
        VnetHeader.writeTranslated(in, 0, pkt, out, 0);
        assertArrayEquals(new byte[] {1, (byte) 0x81, 40, 0, (byte) 0x94, 5, 20, 0, 16, 0}, out);
        assertTrue(VnetHeader.supported(in, 0));
        assertFalse(VnetHeader.supported(new byte[] {0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, 0), "UFO (IPv4 fragmentation): not offered");
    }

    @Test
    void udpSuperPacketKeepsUdpL4AndItsSegmentSize() {
        // NEEDS_CSUM, GSO_UDP_L4, hdr_len 48 (IPv6 + UDP), gso_size 1200, csum_start 40, csum_offset 6
        byte[] in = {1, 5, 48, 0, (byte) 0xb0, 4, 40, 0, 6, 0};
        assertTrue(VnetHeader.supported(in, 0));
        assertTrue(VnetHeader.udpGso(in, 0));
        assertEquals(1200, VnetHeader.gsoSize(in, 0));
        byte[] pkt = new byte[28];
        pkt[0] = 0x45;
        byte[] out = new byte[10];
        VnetHeader.writeTranslated(in, 0, pkt, out, 0);
        assertArrayEquals(new byte[] {1, 5, 28, 0, (byte) 0xb0, 4, 20, 0, 6, 0}, out, "IPv4 + UDP headers, same gso_size");
    }

    @Test
    void plainPacketKeepsDataValid() {
        byte[] in = {2, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] pkt = new byte[48];
        pkt[0] = 0x60;
        byte[] out = new byte[10];
        VnetHeader.writeTranslated(in, 0, pkt, out, 0);
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 0}, out);
    }
}
