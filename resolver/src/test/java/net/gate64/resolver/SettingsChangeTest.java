package net.gate64.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.gate64.config.ConfigLoader;
import net.gate64.config.ConfigReader;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.resolve.RootHints;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** What a reload applies, reports and wipes, setting by setting (the end-to-end side is tests/ReloadEndToEndTest). */
class SettingsChangeTest {
    static final String[] BASE = {"dnssec=off", "forward-zones={\"a.test\"=[\"127.0.0.1:5301\"], \"b.test\"=[\"127.0.0.1:5302\"]}"};

    /** From the base settings to the base with {@code after} on top (objects given twice merge, as in HOCON). */
    static SettingsChange change(String... after) throws Exception {
        List<String> b = new ArrayList<>(List.of(BASE));
        b.addAll(List.of(after));
        return between(List.of(BASE), b);
    }

    static SettingsChange between(List<String> before, List<String> after) throws Exception {
        ConfigReader a = ConfigLoader.load(SettingsLoader.SCHEMA, null, before);
        ConfigReader c = ConfigLoader.load(SettingsLoader.SCHEMA, null, after);
        RootHints hints = RootHints.load(null);
        return SettingsChange.between(a, SettingsLoader.read(a), hints, c, SettingsLoader.read(c), hints);
    }

    static Name n(String s) {
        return Name.fromConstantString(s);
    }

    @Test
    void nothingChanged() throws Exception {
        SettingsChange c = change();
        assertTrue(c.none());
        assertFalse(c.packetCache() || c.wipeAll() || c.allVerdicts());
        assertEquals(Set.of(), c.subtrees());
    }

    @Test
    void theAclAndTheLogsWipeNothing() throws Exception {
        SettingsChange c = change("allow-from=[\"10.0.0.0/8\"]", "loglevel=debug", "quiet=false", "udp-truncation-threshold=4096");
        assertEquals(List.of("allow-from", "loglevel", "quiet", "udp-truncation-threshold"), c.applied());
        assertFalse(c.packetCache() || c.wipeAll() || c.allVerdicts());
    }

    @Test
    void aChangedForwardZoneWipesItsSubtreeOnly() throws Exception {
        SettingsChange c = change("forward-zones={\"a.test\"=[\"127.0.0.1:5303\"], \"b.test\"=[\"127.0.0.1:5302\"], "
                + "\"c.test\"=[\"127.0.0.1:5304\"]}");
        assertEquals(List.of("forward-zones"), c.applied());
        assertEquals(Set.of(n("a.test."), n("c.test.")), c.subtrees(), "changed and added; b.test. kept");
        assertTrue(c.packetCache());
        assertFalse(c.wipeAll());
    }

    @Test
    void recursingOrNotIsAChangeOfTheZone() throws Exception {
        SettingsChange c = between(List.of(BASE), List.of("dnssec=off", "forward-zones={\"b.test\"=[\"127.0.0.1:5302\"]}",
                "forward-zones-recurse={\"a.test\"=[\"127.0.0.1:5301\"]}"));
        assertEquals(Set.of(n("a.test.")), c.subtrees());
    }

    @Test
    void negativeTrustAnchorsWipeTheirVerdicts() throws Exception {
        SettingsChange c = change("negative-trust-anchors={\"x.example\"=\"broken\"}");
        assertEquals(Set.of(n("x.example.")), c.verdictSubtrees());
        assertEquals(Set.of(), c.subtrees(), "the data stays");
        assertTrue(c.packetCache());
    }

    @Test
    void turningDnssecRecordsOnWipesEverything() throws Exception {
        assertTrue(change("dnssec=validate").wipeAll(), "data cached without signatures cannot be validated");
        assertFalse(change("dnssec=off", "dnssec=off").wipeAll());
    }

    @Test
    void dns64AndLimitsEmptyThePacketCacheOnly() throws Exception {
        for (String setting : List.of("dns64-prefix=[\"64:ff9b::/96\"]", "max-qperq=5", "max-cnames-followed=3")) {
            SettingsChange c = change(setting);
            assertTrue(c.packetCache(), setting);
            assertFalse(c.wipeAll(), setting);
            assertEquals(Set.of(), c.subtrees(), setting);
        }
    }

    @Test
    void settingsThatNeedARestartAreReportedNotApplied() throws Exception {
        SettingsChange c = change("threads=3", "local-address=[\"127.0.0.1:5399\"]", "max-cache-entries=10",
                "api-key=\"k\"", "max-qperq=5");
        assertEquals(List.of("api-key", "local-address", "max-cache-entries", "threads"), c.needRestart());
        assertEquals(List.of("max-qperq"), c.applied());
    }

    @Test
    void everyRestartKeyIsASetting() {
        Set<String> keys = SettingsLoader.SCHEMA.keys();
        for (String k : SettingsChange.RESTART) {
            assertTrue(keys.contains(k), k);
        }
        for (String k : SettingsChange.ANSWER_NEUTRAL) {
            assertTrue(keys.contains(k), k);
        }
    }
}
