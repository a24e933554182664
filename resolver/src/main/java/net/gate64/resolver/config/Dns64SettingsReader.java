package net.gate64.resolver.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;
import net.gate64.config.ConfigReader;
import net.gate64.resolver.dns64.Dns64Settings;

/** Reads the {@code dns64-*} settings into a {@link Dns64Settings}; a bad prefix refuses to start, naming the key. */
final class Dns64SettingsReader {
    private Dns64SettingsReader() {}

    static Dns64Settings read(ConfigReader c) {
        List<Nat64Prefix> prefixes = c.list("dns64-prefix", Nat64Prefix::parse);
        NetworkSet exclude = SettingsLoader.networks(c, "dns64-exclude");
        NetworkSet mapped = SettingsLoader.networks(c, "dns64-mapped");
        Dns64Settings.PtrMode mode = c.value("dns64-ptr", s -> switch (s) {
            case "cname" -> Dns64Settings.PtrMode.CNAME;
            case "ptr" -> Dns64Settings.PtrMode.PTR;
            default -> throw new IllegalArgumentException("\"" + s + "\" is not \"cname\" or \"ptr\"");
        });
        List<Dns64Settings.ClientPrefixes> clients = new ArrayList<>();
        for (ConfigReader entry : c.objects("dns64-clients", Set.of("networks", "prefix"))) {
            NetworkSet networks = SettingsLoader.networks(entry, "networks");
            List<Nat64Prefix> ps = entry.list("prefix", Nat64Prefix::parse);
            if (networks.isEmpty()) {
                throw entry.invalid("networks", "lists no network");
            }
            if (ps.isEmpty()) {
                throw entry.invalid("prefix", "lists no prefix");
            }
            clients.add(new Dns64Settings.ClientPrefixes(networks, ps));
        }
        return new Dns64Settings(prefixes, clients, exclude, mapped, mode);
    }
}
