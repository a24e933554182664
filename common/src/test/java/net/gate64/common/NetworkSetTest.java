package net.gate64.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSetTest {
    @Test
    void mostSpecificEntryDecides() throws Exception {
        NetworkSet set = NetworkSet.of(List.of("10.0.0.0/8", "!10.1.0.0/16", "::1", "fe80::/10"));
        assertTrue(set.contains(InetAddress.getByName("10.2.0.1")));
        assertFalse(set.contains(InetAddress.getByName("10.1.0.1")));
        assertTrue(set.contains(InetAddress.getByName("::1")));
        assertTrue(set.contains(InetAddress.getByName("fe80::1234")));
        assertFalse(set.contains(InetAddress.getByName("192.0.2.1")));
    }

    @Test
    void mappedAddressesMatchIpv4Entries() throws Exception {
        NetworkSet set = NetworkSet.of(List.of("127.0.0.0/8"));
        assertTrue(set.contains(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 2})));
    }

    @Test
    void mappedNetworkStaysIpv6() {
        IpNetwork n = IpNetwork.parse("::ffff:0:0/96");
        assertFalse(n.isIpv4());
        assertEquals("::ffff:0:0/96", n.toString(), "printed as written, not as the IPv4 0.0.0.0");
        assertTrue(n.contains(IpNetwork.parseAddress("::ffff:192.0.2.1", "test")));
    }

    @Test
    void oddPrefixLengths() throws Exception {
        IpNetwork n = IpNetwork.parse("100.64.0.0/10");
        assertTrue(n.contains(InetAddress.getByName("100.127.255.255")));
        assertFalse(n.contains(InetAddress.getByName("100.128.0.0")));
    }

    @Test
    void garbageIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> IpNetwork.parse("example.com"));
        assertThrows(IllegalArgumentException.class, () -> IpNetwork.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> IpNetwork.parse("10.0.0/8"));
    }
}
