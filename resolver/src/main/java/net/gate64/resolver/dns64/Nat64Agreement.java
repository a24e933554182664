package net.gate64.resolver.dns64;

import java.util.ArrayList;
import java.util.List;
import net.gate64.common.Nat64Prefix;

/**
 * Whether the prefixes the recursor synthesises with reach a NAT64 gateway it knows. Addresses under a prefix that
 * no gateway translates are black holes for the clients that get them, so the recursor says so at start. The
 * gateway it knows is the {@code nat64 { }} section of the same configuration file (its {@code pool6}); the
 * simplest way to agree is {@code dns64-prefix = ${nat64.pool6}} there.
 */
public final class Nat64Agreement {
    private Nat64Agreement() {}

    /**
     * One warning per DNS64 prefix (default or per-client) that is not in {@code pool6}; when {@code pool6} is null
     * (no gateway section in the file) one line saying that nothing could be checked. Empty when DNS64 is off.
     */
    public static List<String> check(Dns64Settings dns64, List<Nat64Prefix> pool6, String file) {
        List<String> out = new ArrayList<>();
        if (!dns64.enabled()) {
            return out;
        }
        if (pool6 == null) {
            out.add("DNS64 prefixes " + dns64.allPrefixes() + ": no NAT64 gateway in the configuration to check them "
                    + "against (put the gateway's settings in a nat64 { } section of the same file, with "
                    + "dns64-prefix = ${nat64.pool6} in recursor { }; docs/configuration.md)");
            return out;
        }
        for (Nat64Prefix p : dns64.allPrefixes()) {
            if (!pool6.contains(p)) {
                out.add("dns64 prefix " + p + " is not in the NAT64 gateway's pool6 " + pool6 + " (" + file
                        + "): AAAA records synthesised with it lead nowhere unless another gateway translates it");
            }
        }
        return out;
    }
}
