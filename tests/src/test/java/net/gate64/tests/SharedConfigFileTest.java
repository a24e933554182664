package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.resolver.lab.LabServer;
import net.gate64.nat64.config.Nat64Settings;
import net.gate64.resolver.config.RecursorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * Issue 15 item 5, one source of truth: both programs read one file ({@code conf/gate64.conf}), each its section,
 * the recursor's dns64-prefix referring to the gateway's pool6; and the real recursor warns at start when a file's
 * DNS64 prefix is not the gateway's.
 */
class SharedConfigFileTest {
    @Test
    void theShippedSharedFileGivesTheRecursorTheGatewaysPrefixByConstruction() {
        Path file = LabFixture.REPO.resolve("conf/gate64.conf");
        RecursorSettings recursor = net.gate64.resolver.config.SettingsLoader.load(file, List.of());
        Nat64Settings gateway = net.gate64.nat64.config.SettingsLoader.load(file, List.of());
        assertEquals(gateway.pool6(), recursor.dns64().prefixes());
        assertEquals("[64:ff9b::/96]", gateway.pool6().toString());
        Nat64Settings other = net.gate64.nat64.config.SettingsLoader.load(file, List.of("pool6=\"2001:db8:64::/96\""));
        assertEquals("[2001:db8:64::/96]", other.pool6().toString(), "-D overrides reach the program's own section");
    }

    @Test
    void theRecursorWarnsAtStartWhenItsPrefixIsNotTheGatewaysPool6(@TempDir Path dir) throws Exception {
        try (LabServer lab = LabServer.start(new InetSocketAddress("127.0.0.1", 0),
                LabServer.loadZones(LabFixture.REPO.resolve("contrib/lab/demo")))) {
            Path file = dir.resolve("gate64.conf");
            Files.writeString(file, """
                    nat64 {
                      pool6 = "2001:db8:64::/96"
                      pool4 = "192.0.2.0/24"
                    }
                    recursor {
                      dns64-prefix = "64:ff9b::/96"
                      local-address = ["127.0.0.1:0"]
                      webserver = false
                      dnssec = off
                      forward-zones = %s
                    }
                    """.formatted(lab.forwardZonesSetting()));
            List<String> lines;
            try (RecursorProcess r = RecursorProcess.start(file, dir.resolve("recursor.log"),
                    LabFixture.question("v4only.demo.test.", Type.A, false))) {
                lines = r.stop();
            }
            String all = String.join("\n", lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("WARN") || l.contains("level=warn"))
                    && all.contains("dns64 prefix 64:ff9b::/96 is not in the NAT64 gateway's pool6 [2001:db8:64::/96] ("
                    + file + ")"), all);
        }
    }
}
