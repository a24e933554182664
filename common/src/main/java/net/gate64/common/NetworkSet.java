package net.gate64.common;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of networks in which a leading {@code !} negates an entry, with PowerDNS NetmaskGroup semantics: the most
 * specific matching entry decides, so {@code ["10.0.0.0/8", "!10.1.0.0/16"]} matches 10.2.0.1 but not 10.1.0.1.
 */
public final class NetworkSet {
    private record Entry(IpNetwork network, boolean negated) {}

    private final List<Entry> entries;

    private NetworkSet(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static NetworkSet of(List<String> texts) {
        List<Entry> entries = new ArrayList<>();
        for (String text : texts) {
            String t = text.trim();
            boolean negated = t.startsWith("!");
            entries.add(new Entry(IpNetwork.parse(negated ? t.substring(1) : t), negated));
        }
        // Most specific first, so the first hit is the deciding one.
        entries.sort((a, b) -> Integer.compare(b.network.bits(), a.network.bits()));
        return new NetworkSet(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean contains(InetAddress address) {
        return contains(IpNetwork.normalize(address).getAddress());
    }

    public boolean contains(byte[] address) {
        for (Entry e : entries) {
            if (e.network.contains(address)) {
                return !e.negated;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add((e.negated ? "!" : "") + e.network);
        }
        return out.toString();
    }
}
