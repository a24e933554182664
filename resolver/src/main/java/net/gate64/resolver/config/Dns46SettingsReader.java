package net.gate64.resolver.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.gate64.common.EamTable;
import net.gate64.common.IpNetwork;
import net.gate64.common.NetworkSet;
import net.gate64.config.ConfigReader;
import net.gate64.resolver.dns46.Dns46Settings;

/**
 * Reads the {@code dns46-*} settings into a {@link Dns46Settings}. {@code dns46-eam} has the shape of the NAT64
 * gateway's {@code eam} list, so one file can say {@code dns46-eam = ${nat64.eam}}; an entry the gateway would refuse
 * is refused here too, naming the entry.
 */
final class Dns46SettingsReader {
    private Dns46SettingsReader() {}

    static Dns46Settings read(ConfigReader c) {
        NetworkSet clients = SettingsLoader.networks(c, "dns46-clients");
        List<EamTable.Entry> eam = new ArrayList<>();
        for (ConfigReader e : c.objects("dns46-eam", Set.of("ipv4", "ipv6"))) {
            IpNetwork v4 = e.value("ipv4", IpNetwork::parse);
            IpNetwork v6 = e.value("ipv6", IpNetwork::parse);
            if (!v4.isIpv4()) {
                throw e.invalid("ipv4", v4 + " is not an IPv4 prefix");
            }
            if (v6.isIpv4()) {
                throw e.invalid("ipv6", v6 + " is not an IPv6 prefix");
            }
            try {
                eam.add(new EamTable.Entry(v4, v6));
            } catch (IllegalArgumentException ex) {
                throw e.invalid("ipv6", ex.getMessage());
            }
        }
        if (!clients.isEmpty() && eam.isEmpty()) {
            throw c.invalid("dns46-clients", "lists clients but dns46-eam is empty: there is nothing to synthesise A "
                    + "records with (set dns46-eam, e.g. dns46-eam = ${nat64.eam} in a file with a nat64 { } section)");
        }
        return new Dns46Settings(clients, eam, SettingsLoader.networks(c, "dns46-exclude"), c.bool("dns46-ptr"));
    }
}
