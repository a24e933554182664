package net.gate64.resolver.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.config.ConfigError;
import net.gate64.resolver.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

class DnssecSettingsTest {
    private static DnssecSettings load(String... overrides) {
        return SettingsLoader.load(null, List.of(overrides)).dnssec();
    }

    @Test
    void defaultsValidateWithTheIanaRootAnchors() {
        DnssecSettings s = load();
        assertEquals(DnssecSettings.Mode.VALIDATE, s.mode());
        List<Integer> tags = s.anchors().stream().map(r -> ((DSRecord) r).getFootprint()).sorted().toList();
        assertEquals(List.of(20326, 38696), tags);
        assertTrue(s.anchors().stream().allMatch(r -> r.getName().equals(Name.root)));
    }

    @Test
    void everyModeParses() {
        assertEquals(DnssecSettings.Mode.OFF, load("dnssec=off").mode());
        assertEquals(DnssecSettings.Mode.PROCESS_NO_VALIDATE, load("dnssec=process-no-validate").mode());
        assertEquals(DnssecSettings.Mode.PROCESS, load("dnssec=process").mode());
        assertEquals(DnssecSettings.Mode.LOG_FAIL, load("dnssec=log-fail").mode());
        ConfigError e = assertThrows(ConfigError.class, () -> load("dnssec=strict"));
        assertTrue(e.getMessage().contains("'dnssec'"), e.getMessage());
    }

    @Test
    void aRootAnchorReplacesTheBuiltInOnesAndOtherZonesAdd() {
        DnssecSettings s = load("trust-anchors={\".\"=[\"12345 13 2 " + "AB".repeat(32) + "\"], "
                + "\"corp.example\"=\"54321 8 2 " + "CD".repeat(32) + "\"}");
        assertEquals(2, s.anchors().size());
        assertTrue(s.anchors().stream().anyMatch(r -> ((DSRecord) r).getFootprint() == 12345));
        assertTrue(s.anchors().stream().anyMatch(r -> r.getName().equals(Name.fromConstantString("corp.example."))));
    }

    @Test
    void aMalformedAnchorNamesTheKey() {
        ConfigError e = assertThrows(ConfigError.class, () -> load("trust-anchors={\".\"=[\"not a ds\"]}"));
        assertTrue(e.getMessage().contains("'trust-anchors'"), e.getMessage());
    }

    @Test
    void anchorFileIsReadAndAnEmptyOneRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("anchors.zone");
        Files.writeString(f, "example. 3600 IN DS 11111 13 2 " + "EF".repeat(32) + "\n");
        List<Record> anchors = load("trust-anchor-file=\"" + f + "\"").anchors();
        assertTrue(anchors.stream().anyMatch(r -> r.getName().equals(Name.fromConstantString("example."))));
        assertEquals(3, anchors.size(), "the file adds to the root anchors");
        Files.writeString(f, "example. 3600 IN A 192.0.2.1\n");
        ConfigError e = assertThrows(ConfigError.class, () -> load("trust-anchor-file=\"" + f + "\""));
        assertTrue(e.getMessage().contains("'trust-anchor-file'"), e.getMessage());
    }

    @Test
    void negativeTrustAnchorsNeedAReason() {
        assertEquals("ticket 42", load("negative-trust-anchors={\"broken.example\"=\"ticket 42\"}").negativeAnchors()
                .get(Name.fromConstantString("broken.example.")));
        ConfigError e = assertThrows(ConfigError.class, () -> load("negative-trust-anchors={\"broken.example\"=[1]}"));
        assertTrue(e.getMessage().contains("'negative-trust-anchors'"), e.getMessage());
    }

    @Test
    void limitsAreBounded() {
        ConfigError e = assertThrows(ConfigError.class, () -> load("nsec3-max-iterations=-1"));
        assertTrue(e.getMessage().contains("'nsec3-max-iterations'"), e.getMessage());
    }
}
