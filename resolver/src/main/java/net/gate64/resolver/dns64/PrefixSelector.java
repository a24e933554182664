package net.gate64.resolver.dns64;

import java.net.InetAddress;
import java.util.List;
import net.gate64.common.Nat64Prefix;

/**
 * Which prefixes a client gets: the first {@code dns64-clients} entry containing it, else {@code dns64-prefix}.
 * The choice is a small integer (a "view") so the event loop can put it in the packet-cache key without building
 * lists: 0 = the default prefixes, i = client entry i-1.
 */
public final class PrefixSelector {
    private final Dns64Settings settings;

    public PrefixSelector(Dns64Settings settings) {
        this.settings = settings;
    }

    public int view(InetAddress client) {
        List<Dns64Settings.ClientPrefixes> clients = settings.clients();
        for (int i = 0; i < clients.size(); i++) {
            if (clients.get(i).networks().contains(client)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The prefixes of a view; empty when that client gets no synthesis. */
    public List<Nat64Prefix> prefixes(int view) {
        return view == 0 ? settings.prefixes() : settings.clients().get(view - 1).prefixes();
    }
}
