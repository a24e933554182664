package net.gate64.nat64.config;

import java.time.Duration;
import java.util.List;
import net.gate64.common.Nat64Prefix;

/**
 * Router Advertisements with PREF64 (docs/nat64.md, "PREF64 in Router Advertisements").
 *
 * @param interfaces     where to advertise (the IPv6 clients' links); empty: no advertisements
 * @param interval       MaxRtrAdvInterval (RFC 4861 §6.2.1, 4 s to 1800 s); the options live three times as long
 * @param routerLifetime 0: not a default router; up to 9000 s
 * @param pref64         the prefixes to advertise (pool6 unless configured)
 * @param rdnss          recursive DNS servers for an RDNSS option (RFC 8106), 16 bytes each; empty: none
 */
public record RaSettings(List<String> interfaces, Duration interval, Duration routerLifetime, List<Nat64Prefix> pref64,
                         List<byte[]> rdnss) {
    public RaSettings {
        interfaces = List.copyOf(interfaces);
        pref64 = List.copyOf(pref64);
        rdnss = rdnss.stream().map(byte[]::clone).toList();
    }

    public boolean enabled() {
        return !interfaces.isEmpty();
    }

    /** PREF64 and RDNSS lifetime: three times the interval (RFC 8781 §4.1, RFC 8106 §5.1). */
    public Duration optionLifetime() {
        return interval.multipliedBy(3);
    }
}
