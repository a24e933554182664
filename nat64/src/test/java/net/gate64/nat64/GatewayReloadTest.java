package net.gate64.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.gate64.config.ConfigError;
import net.gate64.config.ConfigLoader;
import net.gate64.nat64.config.SettingsLoader;
import net.gate64.nat64.http.GatewayControl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GatewayReload on a gateway that was not started (no TUN needed): what a reload applies, what it reports as
 * needing a restart, what a bad file leaves alone, and the static bindings made at run time. The same against the
 * real gateway in namespaces: tests/.../nat64/ControlNamespaceTest.
 */
class GatewayReloadTest {
    private static final List<String> BASE = List.of("pool4=\"192.0.2.0/30\"", "http-address=\"\"",
            "bib=[{protocol=\"tcp\", ipv6=\"[2001:db8::5]:80\", ipv4=\"192.0.2.1:80\"}]");
    private final List<String> file = new ArrayList<>(BASE);
    private Nat64Service service;
    private GatewayControl control;

    @BeforeEach
    void start() {
        var running = ConfigLoader.load(SettingsLoader.SCHEMA, null, file);
        service = new Nat64Service(SettingsLoader.read(running), System::nanoTime);
        service.reloader().from(() -> ConfigLoader.load(SettingsLoader.SCHEMA, null, file), running);
        control = service.control();
    }

    private String reload(String... lines) {
        file.clear();
        file.addAll(BASE);
        file.addAll(List.of(lines));
        return service.reloader().reload();
    }

    @Test
    void liveSettingsApplyAndTheOthersAreReported() {
        String out = reload("udp-timeout=40s", "max-sessions=10", "threads=4", "mtu=1400");
        assertTrue(out.startsWith("reloaded: changed max-sessions, udp-timeout\n"), out);
        assertTrue(out.contains("needs a restart to take effect (running as before until then): mtu, threads"), out);
        assertEquals(Duration.ofSeconds(40), service.settings().timeouts().udp());
        assertEquals(10, service.settings().limits().maxSessions());
        assertEquals(1500, service.settings().mtu(), "as it started");
        assertEquals(1, service.reloader().ok());
    }

    @Test
    void translatorSettingsWaitWithTheMtuTheyAreBuiltWith() {
        String alone = reload("ipv4-mtu=1400");
        assertTrue(alone.startsWith("reloaded: changed ipv4-mtu\n"), alone);
        assertTrue(!alone.contains("needs a restart"), alone);
        String withMtu = reload("ipv4-mtu=1300", "mtu=1400");
        assertTrue(withMtu.startsWith("reloaded: no live setting changed"), withMtu);
        assertTrue(withMtu.contains("needs a restart to take effect (running as before until then): ipv4-mtu, mtu"), withMtu);
        String again = reload("ipv4-mtu=1300", "mtu=1400");
        assertTrue(again.contains("needs a restart to take effect (running as before until then): ipv4-mtu, mtu"),
                "still not in service: " + again);
        String back = reload("ipv4-mtu=1300");
        assertTrue(back.startsWith("reloaded: changed ipv4-mtu\n"), "mtu runs as the file says again: " + back);
        assertTrue(!back.contains("needs a restart"), back);
        assertEquals(1300, service.settings().translator().ipv4Mtu());
    }

    @Test
    void aBadFileChangesNothing() {
        ConfigError e = assertThrows(ConfigError.class, () -> reload("udp-timeout=40s", "max-sessions=lots"));
        assertTrue(e.getMessage().contains("max-sessions"), e.getMessage());
        assertEquals(Duration.ofMinutes(5), service.settings().timeouts().udp(), "nothing of the file applied");
        assertEquals(1, service.reloader().failed());
        assertThrows(ConfigError.class, () -> reload("bib=[{protocol=\"tcp\", ipv6=\"[2001:db8::6]:80\", ipv4=\"198.51.100.1:80\"}]"));
        assertEquals(1, service.bib().staticEntries().size(), "outside pool4: refused whole");
    }

    @Test
    void staticBindingsFollowTheFileAndThoseMadeAtRunTimeStay() throws Exception {
        control.addStaticBinding("udp", "[2001:db8::7]:53", "192.0.2.2:53");
        String out = reload("bib=[{protocol=\"tcp\", ipv6=\"[2001:db8::6]:443\", ipv4=\"192.0.2.1:443\"},"
                + " {protocol=\"udp\", ipv6=\"[2001:db8::7]:53\", ipv4=\"192.0.2.2:53\"}]");
        assertTrue(out.contains("changed bib"), out);
        String statics = control.bindings("static", 100);
        assertTrue(statics.contains("tcp [2001:db8::6]:443 <-> 192.0.2.1:443 static"), statics);
        assertTrue(statics.contains("udp [2001:db8::7]:53 <-> 192.0.2.2:53 static"), "the run-time one, now also in the file");
        assertTrue(!statics.contains(":80 "), "the one the file dropped went: " + statics);
    }

    @Test
    void aPoolThatNoLongerHoldsAnAddressTakesItsStaticBindingsAlong() throws Exception {
        control.addStaticBinding("udp", "[2001:db8::7]:53", "192.0.2.2:53");
        String out = reload("pool4=\"192.0.2.0/31\"");
        assertTrue(out.contains("changed pool4"), out);
        String statics = control.bindings("static", 100);
        assertTrue(statics.contains("192.0.2.1:80 static"), statics);
        assertTrue(!statics.contains("192.0.2.2:53"), "192.0.2.2 is not the gateway's any more: " + statics);
        assertTrue(service.bib().pool4().contains(0xc0000201), "192.0.2.1 still in pool4");
    }

    @Test
    void controlRefusalsNameTheProblem() {
        GatewayControl.Refused outside = assertThrows(GatewayControl.Refused.class,
                () -> control.addStaticBinding("tcp", "[2001:db8::8]:80", "198.51.100.1:80"));
        assertEquals(409, outside.status());
        assertTrue(outside.getMessage().contains("not inside pool4"), outside.getMessage());
        GatewayControl.Refused proto = assertThrows(GatewayControl.Refused.class,
                () -> control.addStaticBinding("sctp", "[2001:db8::8]:80", "192.0.2.1:81"));
        assertEquals(400, proto.status());
        GatewayControl.Refused gone = assertThrows(GatewayControl.Refused.class,
                () -> control.removeStaticBinding("tcp", "[2001:db8::9]:80"));
        assertEquals(404, gone.status());
        GatewayControl.Refused filter = assertThrows(GatewayControl.Refused.class, () -> control.sessions("tpc", 10));
        assertEquals(400, filter.status());
    }
}
