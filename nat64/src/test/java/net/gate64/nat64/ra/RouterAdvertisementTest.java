package net.gate64.nat64.ra;

import static net.gate64.nat64.testing.Wire.addr;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import org.junit.jupiter.api.Test;

class RouterAdvertisementTest {
    @Test
    void prefixLengthCodesFollowRfc8781Section4() {
        int[][] table = {{96, 0}, {64, 1}, {56, 2}, {48, 3}, {40, 4}, {32, 5}};
        String[] prefixes = {"64:ff9b::/96", "2001:db8:1:2::/64", "2001:db8:1:200::/56", "2001:db8:1::/48",
                "2001:db8:ab00::/40", "2001:db8::/32"};
        for (int i = 0; i < table.length; i++) {
            Nat64Prefix p = Nat64Prefix.parse(prefixes[i]);
            assertEquals(table[i][0], p.length());
            assertEquals(table[i][1], RouterAdvertisement.plc(p), prefixes[i]);
        }
    }

    @Test
    void scaledLifetimeIsRoundedUpToEightSecondUnitsAndCapped() { // RFC 8781 §4.1
        assertEquals(0, RouterAdvertisement.scaledLifetime(Duration.ZERO));
        assertEquals(1, RouterAdvertisement.scaledLifetime(Duration.ofSeconds(1)));
        assertEquals(1, RouterAdvertisement.scaledLifetime(Duration.ofSeconds(8)));
        assertEquals(2, RouterAdvertisement.scaledLifetime(Duration.ofSeconds(9)));
        assertEquals(225, RouterAdvertisement.scaledLifetime(Duration.ofSeconds(1800)));
        assertEquals(8191, RouterAdvertisement.scaledLifetime(Duration.ofSeconds(65528)));
        assertEquals(8191, RouterAdvertisement.scaledLifetime(Duration.ofDays(3)));
    }

    @Test
    void advertisementCarriesPref64AndRdnssOptions() {
        byte[] ra = RouterAdvertisement.encode(Duration.ZERO, new byte[] {2, 0, 0, 0, 0, 1},
                List.of(Nat64Prefix.parse("64:ff9b::/96"), Nat64Prefix.parse("2001:db8:ab00::/40")),
                Duration.ofSeconds(1800), List.of(addr("2001:db8:1::53")), Duration.ofSeconds(1800));
        String hex = HexFormat.of().formatHex(ra);
        assertEquals("86000000" + "0000" + "0000" + "00000000" + "00000000" // RA header: router lifetime 0
                + "0101020000000001"                                         // source link-layer address
                + "2602" + "0708" + "0064ff9b0000000000000000"                 // PREF64 225<<3|0, 64:ff9b::/96
                + "2602" + "070c" + "20010db8ab00000000000000"                 // PREF64 225<<3|4, /40
                + "1903" + "0000" + "00000708" + "20010db8000100000000000000000053", // RDNSS, 1800 s
                hex);
        assertEquals(0, ra.length % 8, "options are whole 8-byte units");
    }

    @Test
    void withoutLinkAddressOrDnsServersOnlyThePrefixIsSent() {
        byte[] ra = RouterAdvertisement.encode(Duration.ofSeconds(1800), null, List.of(Nat64Prefix.parse("64:ff9b::/96")),
                Duration.ZERO, List.of(), Duration.ZERO);
        assertEquals(16 + 16, ra.length);
        ByteBuffer b = ByteBuffer.wrap(ra);
        assertEquals(1800, b.getShort(6) & 0xffff, "router lifetime");
        assertEquals(38, ra[16]);
        assertEquals(0, b.getShort(18), "scaled lifetime 0 withdraws the prefix, PLC 0");
    }
}
