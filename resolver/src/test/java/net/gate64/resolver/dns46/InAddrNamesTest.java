package net.gate64.resolver.dns46;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import net.gate64.common.IpNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

class InAddrNamesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "16.2.0.192.in-addr.arpa., 192.0.2.16",
        "0.0.0.0.in-addr.arpa., 0.0.0.0",
        "255.255.255.255.IN-ADDR.ARPA., 255.255.255.255",
        "016.2.0.192.in-addr.arpa., ",          // a leading zero is not how the address is written
        "256.2.0.192.in-addr.arpa., ",
        "2.0.192.in-addr.arpa., ",              // a /24, not an address
        "1.16.2.0.192.in-addr.arpa., ",
        "a.2.0.192.in-addr.arpa., ",
        "16.2.0.192.ip6.arpa., ",
        "16.2.0.192.in-addr.arpa.example., ",
    })
    void reverseNames(String name, String address) {
        byte[] got = InAddrNames.ipv4(Name.fromConstantString(name));
        if (address == null) {
            assertNull(got);
        } else {
            assertArrayEquals(IpNetwork.parseAddress(address, address), got);
        }
    }

    @org.junit.jupiter.api.Test
    void ip6ArpaNameOfAnAddress() {
        assertEquals("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.a.a.a.a.8.b.d.0.1.0.0.2.ip6.arpa.",
                InAddrNames.ip6Arpa(IpNetwork.parseAddress("2001:db8:aaaa::1", "")).toString());
    }
}
