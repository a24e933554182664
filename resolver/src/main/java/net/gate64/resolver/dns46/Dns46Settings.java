package net.gate64.resolver.dns46;

import java.util.List;
import net.gate64.common.EamTable;
import net.gate64.common.NetworkSet;

/**
 * The DNS46 settings: which clients get A records synthesised from AAAA, the Explicit Address Mappings to synthesise
 * with (the SIIT gateway's {@code eam} entries, RFC 7757), the A records to treat as absent, and whether PTR questions
 * for the mapped IPv4 addresses are answered from the IPv6 side. A plain value, read and validated by the config
 * package.
 *
 * @param clients the IPv4 clients (by the address they ask from) that get synthesis; empty: DNS46 is off
 * @param eam     the mappings, as the gateway's {@code eam} list ({@code dns46-eam = ${nat64.eam}} in a shared file)
 * @param exclude A records inside these networks count as absent (the counterpart of {@code dns64-exclude})
 * @param ptr     answer in-addr.arpa PTR questions for EAM IPv4 addresses with a CNAME to the IPv6 address's name
 */
public record Dns46Settings(NetworkSet clients, List<EamTable.Entry> eam, NetworkSet exclude, boolean ptr) {
    /** DNS46 off: no client, no mapping. */
    public static final Dns46Settings OFF = new Dns46Settings(NetworkSet.of(List.of()), List.of(),
            NetworkSet.of(List.of()), true);

    public Dns46Settings {
        eam = List.copyOf(eam);
    }

    /** Whether any client can get synthesis at all. */
    public boolean enabled() {
        return !clients.isEmpty() && !eam.isEmpty();
    }
}
