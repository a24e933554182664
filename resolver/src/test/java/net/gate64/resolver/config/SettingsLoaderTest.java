package net.gate64.resolver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.config.ConfigError;
import net.gate64.resolver.resolve.ForwardZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

class SettingsLoaderTest {
    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("recursor.conf");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void defaultsAreUsable() throws Exception {
        RecursorSettings s = SettingsLoader.load(null, List.of());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 53), new InetSocketAddress("::1", 53)), s.localAddresses());
        assertTrue(s.allowFrom().contains(InetAddress.getByName("192.168.1.1")));
        assertFalse(s.allowFrom().contains(InetAddress.getByName("8.8.8.8")), "not an open resolver by default");
        assertEquals(86400, s.maxCacheTtl());
        assertTrue(s.forwardZones().isEmpty());
    }

    @Test
    void unknownKeyIsRefusedWithFileLineAndSuggestion() throws Exception {
        Path f = write("local-address = [\"127.0.0.1:5300\"]\n\nmax-cache-tl = 5\n");
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(f, List.of()));
        assertTrue(e.getMessage().contains("recursor.conf: 3"), e.getMessage());
        assertTrue(e.getMessage().contains("'max-cache-tl'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'max-cache-ttl'"), e.getMessage());
    }

    @Test
    void badValuesNameKeyAndLine() throws Exception {
        Path f = write("\nlocal-address = [\"127.0.0.1:99999\"]\n");
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(f, List.of()));
        assertTrue(e.getMessage().contains("'local-address'") && e.getMessage().contains(": 2"), e.getMessage());

        Path g = write("max-cache-ttl = lots\n");
        e = assertThrows(ConfigError.class, () -> SettingsLoader.load(g, List.of()));
        assertTrue(e.getMessage().contains("max-cache-ttl"), e.getMessage());

        Path h = write("allow-from = [\"10.0.0.0/40\"]\n");
        e = assertThrows(ConfigError.class, () -> SettingsLoader.load(h, List.of()));
        assertTrue(e.getMessage().contains("allow-from"), e.getMessage());

        Path i = write("forward-zones = { \"example.org\" = [\"not-an-address\"] }\n");
        e = assertThrows(ConfigError.class, () -> SettingsLoader.load(i, List.of()));
        assertTrue(e.getMessage().contains("forward-zones") && e.getMessage().contains("example.org"), e.getMessage());
    }

    @Test
    void syntaxErrorsAreReportedWithPosition() throws Exception {
        Path f = write("local-address = [\"127.0.0.1:53\"\nthreads = 2\n");
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(f, List.of()));
        assertTrue(e.getMessage().contains("recursor.conf"), e.getMessage());
    }

    @Test
    void forwardZonesAndOverrides() throws Exception {
        Path f = write("""
                forward-zones = { "example.org" = ["192.0.2.1", "[2001:db8::1]:5353"] }
                forward-zones-recurse = { "." = "192.0.2.2:53" }
                threads = 1
                """);
        RecursorSettings s = SettingsLoader.load(f, List.of("threads=3", "packetcache-ttl=10"));
        assertEquals(3, s.threads());
        assertEquals(10, s.packetCacheTtl());
        ForwardZone org = s.forwardZones().get(Name.fromString("example.org."));
        assertFalse(org.recurse());
        assertEquals(List.of(new InetSocketAddress("192.0.2.1", 53), new InetSocketAddress("2001:db8::1", 5353)), org.servers());
        assertTrue(s.forwardZones().get(Name.root).recurse());
    }

    @Test
    void cacheByteBoundsTakeSizes() throws Exception {
        RecursorSettings s = SettingsLoader.load(null, List.of("max-cache-bytes=268435456", "max-packetcache-bytes=65536"));
        assertEquals(256L << 20, s.maxCacheBytes());
        assertEquals(65536, s.maxPacketCacheBytes());
        assertEquals(0, SettingsLoader.load(null, List.of()).maxCacheBytes(), "no byte bound by default");
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(null, List.of("max-cache-bytes=-1")));
        assertTrue(e.getMessage().contains("max-cache-bytes"), e.getMessage());
    }

    @Test
    void overrideOfUnknownKeyIsRefused() {
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(null, List.of("nosuch=1")));
        assertTrue(e.getMessage().contains("command line") && e.getMessage().contains("nosuch"), e.getMessage());
    }

    @Test
    void shippedConfigDocumentsEveryKey() throws Exception {
        Path shipped = Path.of("../conf/recursor.conf");
        var defaults = ConfigFactory.parseResources("gate64-recursor.conf").root().keySet();
        var documented = ConfigFactory.parseFile(shipped.toFile()).root().keySet();
        assertEquals(defaults, documented, "conf/recursor.conf must list every setting");
        SettingsLoader.load(shipped, List.of()); // and it loads
        SettingsLoader.load(Path.of("../conf/demo.conf"), List.of());
    }

    @Test
    void theShippedConfigTurnsDns64OnWithTheWellKnownPrefix() {
        // DNS64 is what the recursor is for; the built-in default stays off for embedders and tests
        assertEquals(List.of(net.gate64.common.Nat64Prefix.WELL_KNOWN),
                SettingsLoader.load(Path.of("../conf/recursor.conf"), List.of()).dns64().prefixes());
        assertFalse(SettingsLoader.load(null, List.of()).dns64().enabled());
    }
}
