package net.gate64.nat64.ra;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Icmp6SocketTest {
    @Test
    void theSourceIsALinkLocalAddressThatPassedDuplicateAddressDetection() {
        List<String> ifInet6 = List.of(
                "20010db8000100000000000000000001 03 40 00 80       g0", // global: not a valid RA source
                "fe80000000000000d0e631fffe16ede1 03 40 20 40       g0", // tentative (DAD running)
                "fe80000000000000d0e631fffe16ede0 03 40 20 80       g0",
                "fe80000000000000000000000000aaaa 04 40 20 80     eth1");
        assertEquals("fe80000000000000d0e631fffe16ede0", HexFormat.of().formatHex(Icmp6Socket.linkLocal(ifInet6, "g0")));
        assertNull(Icmp6Socket.linkLocal(ifInet6.subList(0, 2), "g0"), "only global and tentative: wait");
        assertNull(Icmp6Socket.linkLocal(ifInet6, "g1"));
    }
}
