package net.gate64.resolver.dns64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;
import org.junit.jupiter.api.Test;

class Nat64AgreementTest {
    private static final Nat64Prefix WKP = Nat64Prefix.parse("64:ff9b::/96");
    private static final Nat64Prefix NSP = Nat64Prefix.parse("2001:db8:64::/96");

    private static Dns64Settings dns64(List<Nat64Prefix> defaults, List<Nat64Prefix> perClient) {
        List<Dns64Settings.ClientPrefixes> clients = perClient.isEmpty() ? List.of()
                : List.of(new Dns64Settings.ClientPrefixes(NetworkSet.of(List.of("127.0.0.2/32")), perClient));
        return new Dns64Settings(defaults, clients, NetworkSet.of(List.of()), NetworkSet.of(List.of()),
                Dns64Settings.PtrMode.CNAME);
    }

    @Test
    void prefixesInThePool6OfTheGatewaySectionAgree() {
        assertEquals(List.of(), Nat64Agreement.check(dns64(List.of(NSP), List.of(WKP)), List.of(NSP, WKP), "gate64.conf"));
    }

    @Test
    void everyPrefixNoGatewayTranslatesIsNamedIncludingPerClientOnes() {
        List<String> w = Nat64Agreement.check(dns64(List.of(NSP), List.of(WKP)), List.of(NSP), "gate64.conf");
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.getFirst().startsWith("dns64 prefix 64:ff9b::/96 is not in the NAT64 gateway's pool6 "
                + "[2001:db8:64::/96] (gate64.conf)"), w.getFirst());
    }

    @Test
    void withoutAGatewaySectionItSaysNothingCouldBeCheckedAndWithoutDns64NothingAtAll() {
        List<String> w = Nat64Agreement.check(dns64(List.of(WKP), List.of()), null, "recursor.conf");
        assertEquals(1, w.size());
        assertTrue(w.getFirst().contains("no NAT64 gateway in the configuration"), w.getFirst());
        assertEquals(List.of(), Nat64Agreement.check(dns64(List.of(), List.of()), null, "recursor.conf"));
    }
}
