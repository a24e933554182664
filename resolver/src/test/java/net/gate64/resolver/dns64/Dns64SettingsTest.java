package net.gate64.resolver.dns64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.config.ConfigError;
import net.gate64.resolver.config.SettingsLoader;
import org.junit.jupiter.api.Test;

class Dns64SettingsTest {
    @Test
    void disabledByDefault() {
        assertFalse(SettingsLoader.load(null, List.of()).dns64().enabled());
    }

    @Test
    void badPrefixRefusesToStartNamingTheKey() {
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(null, List.of("dns64-prefix=\"64:ff9b::/72\"")));
        assertTrue(e.getMessage().contains("dns64-prefix") && e.getMessage().contains("/72"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> SettingsLoader.load(null, List.of("dns64-prefix=\"64:ff9b::1/96\"")));
        assertTrue(e.getMessage().contains("non-zero bits"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> SettingsLoader.load(null,
                List.of("dns64-clients=[{networks=[\"10.0.0.0/8\"], prefix=\"2001:db8::/33\"}]")));
        assertTrue(e.getMessage().contains("dns64-clients"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> SettingsLoader.load(null, List.of("dns64-ptr=both")));
        assertTrue(e.getMessage().contains("dns64-ptr"), e.getMessage());
    }

    @Test
    void perClientPrefixesFirstMatchWins() throws Exception {
        Dns64Settings s = SettingsLoader.load(null, List.of("dns64-prefix=\"64:ff9b::/96\"",
                "dns64-clients=[{networks=[\"127.0.0.2\"], prefix=\"2001:db8:64::/96\"}, {networks=[\"127.0.0.0/8\"], prefix=[\"2001:db8:1::/48\", \"64:ff9b::/96\"]}]")).dns64();
        PrefixSelector sel = new PrefixSelector(s);
        assertEquals(List.of(Nat64Prefix.parse("2001:db8:64::/96")), sel.prefixes(sel.view(InetAddress.getByName("127.0.0.2"))));
        assertEquals(2, sel.prefixes(sel.view(InetAddress.getByName("127.0.0.3"))).size());
        assertEquals(List.of(Nat64Prefix.WELL_KNOWN), sel.prefixes(sel.view(InetAddress.getByName("10.0.0.1"))));
        assertEquals(3, s.allPrefixes().size());
    }
}
