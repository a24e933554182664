package net.gate64.resolver.dns46;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.config.ConfigError;
import net.gate64.resolver.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Dns46SettingsTest {
    @Test
    void offByDefault() {
        Dns46Settings s = SettingsLoader.load(null, List.of()).dns46();
        assertFalse(s.enabled());
        assertTrue(s.ptr());
        assertTrue(s.eam().isEmpty());
    }

    @Test
    void readsClientsAndMappings() {
        Dns46Settings s = SettingsLoader.load(null, List.of("dns46-clients=[\"198.51.100.0/24\"]",
                "dns46-eam=[{ipv4=\"192.0.2.0/24\", ipv6=\"2001:db8:aaaa::/120\"}]", "dns46-ptr=false")).dns46();
        assertTrue(s.enabled());
        assertFalse(s.ptr());
        assertEquals("192.0.2.0/24 = 2001:db8:aaaa::/120", s.eam().get(0).ipv4() + " = " + s.eam().get(0).ipv6());
    }

    /** Every mistake refuses to start, naming the key (and the entry). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "dns46-eam=[{ipv4=\"192.0.2.0/24\", ipv6=\"2001:db8::/96\"}]   | same number of suffix bits",
        "dns46-eam=[{ipv4=\"2001:db8::/120\", ipv6=\"2001:db8::/120\"}] | not an IPv4 prefix",
        "dns46-eam=[{ipv4=\"192.0.2.0/24\", ipv6=\"192.0.3.0/24\"}]     | not an IPv6 prefix",
        "dns46-eam=[{ipv4=\"192.0.2.0/24\", ipv6=\"2001:db8::/120\", ip=1}] | 'ip'",
        "dns46-eam=[{ipv4=\"192.0.2.0/24\"}]                            | ipv6",
        "dns46-eam=\"192.0.2.0/24\"                                    | dns46-eam",
        "dns46-clients=[\"10.0.0.0/33\"]                               | dns46-clients",
        "dns46-clients=[\"10.0.0.0/8\"]                                | dns46-eam is empty",
        "dns46-ptr=maybe                                                | dns46-ptr",
    })
    void mistakesAreRefused(String setting, String expected) {
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(null, List.of(setting)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("dns46-"), e.getMessage());
    }

    /** One file, two sections: the recursor synthesises with exactly the gateway's mappings. */
    @Test
    void sharedFileRefersToTheGatewaysEam(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gate64.conf");
        Files.writeString(file, """
                nat64 {
                  mode = "siit"
                  eam = [ { ipv4 = "192.0.2.2/32", ipv6 = "2001:db8:1::2/128" } ]
                }
                recursor {
                  dns46-clients = ["198.51.100.0/24"]
                  dns46-eam = ${nat64.eam}
                }
                """);
        Dns46Settings s = SettingsLoader.load(file, List.of()).dns46();
        assertEquals(1, s.eam().size());
        assertEquals("2001:db8:1::2/128", s.eam().get(0).ipv6().toString());
    }
}
