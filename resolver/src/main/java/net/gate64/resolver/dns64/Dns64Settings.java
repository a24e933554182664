package net.gate64.resolver.dns64;

import java.util.ArrayList;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;

/**
 * The DNS64 settings: default prefixes, per-client prefixes, the AAAA exclusion set, the IPv4 "mapped" set and the
 * PTR answer style: a plain value, read and validated by the config package.
 */
public record Dns64Settings(List<Nat64Prefix> prefixes, List<ClientPrefixes> clients, NetworkSet exclude,
                            NetworkSet mapped, PtrMode ptrMode) {
    /** How PTR questions under a prefix are answered (RFC 6147 §5.3.1). */
    public enum PtrMode { CNAME, PTR }

    /** The prefixes for clients inside {@code networks}. */
    public record ClientPrefixes(NetworkSet networks, List<Nat64Prefix> prefixes) {}

    public Dns64Settings {
        prefixes = List.copyOf(prefixes);
        clients = List.copyOf(clients);
    }

    /** Whether any client can get synthesis at all. */
    public boolean enabled() {
        return !prefixes.isEmpty() || !clients.isEmpty();
    }

    /** Every configured prefix, default ones first. */
    public List<Nat64Prefix> allPrefixes() {
        List<Nat64Prefix> all = new ArrayList<>(prefixes);
        for (ClientPrefixes c : clients) {
            for (Nat64Prefix p : c.prefixes) {
                if (!all.contains(p)) {
                    all.add(p);
                }
            }
        }
        return all;
    }
}
