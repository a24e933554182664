package net.gate64.resolver.dns64;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;
import net.gate64.resolver.config.ConfigError;
import net.gate64.resolver.config.SettingsLoader;

/**
 * The DNS64 settings: default prefixes, per-client prefixes, the AAAA exclusion set, the IPv4 "mapped" set and the
 * PTR answer style. Read and validated in one place; a bad prefix refuses to start, naming the key.
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

    public static Dns64Settings from(SettingsLoader loader) {
        List<Nat64Prefix> prefixes = loader.list("dns64-prefix", Nat64Prefix::parse);
        NetworkSet exclude = loader.networks("dns64-exclude");
        NetworkSet mapped = loader.networks("dns64-mapped");
        PtrMode mode = loader.value("dns64-ptr", s -> switch (s) {
            case "cname" -> PtrMode.CNAME;
            case "ptr" -> PtrMode.PTR;
            default -> throw new IllegalArgumentException("must be \"cname\" or \"ptr\"");
        });
        List<ClientPrefixes> clients = new ArrayList<>();
        Config c = loader.config();
        List<? extends Config> entries;
        try {
            entries = c.getConfigList("dns64-clients");
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
        for (Config entry : entries) {
            String where = SettingsLoader.where(entry.root());
            try {
                for (String key : entry.root().keySet()) {
                    if (!key.equals("networks") && !key.equals("prefix")) {
                        throw new ConfigError(where + "dns64-clients: unknown key '" + key + "' (expected networks, prefix)");
                    }
                }
                NetworkSet networks = NetworkSet.of(strings(entry, "networks"));
                List<Nat64Prefix> ps = new ArrayList<>();
                for (String p : strings(entry, "prefix")) {
                    ps.add(Nat64Prefix.parse(p));
                }
                if (networks.isEmpty() || ps.isEmpty()) {
                    throw new ConfigError(where + "dns64-clients: each entry needs networks and prefix");
                }
                clients.add(new ClientPrefixes(networks, ps));
            } catch (ConfigException | IllegalArgumentException e) {
                throw new ConfigError(where + "invalid value for 'dns64-clients': " + e.getMessage());
            }
        }
        return new Dns64Settings(prefixes, clients, exclude, mapped, mode);
    }

    private static List<String> strings(Config c, String key) {
        return c.getValue(key).valueType() == ConfigValueType.STRING ? List.of(c.getString(key)) : c.getStringList(key);
    }
}
