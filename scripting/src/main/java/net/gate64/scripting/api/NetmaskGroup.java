package net.gate64.scripting.api;

import java.util.ArrayList;
import java.util.List;
import net.gate64.common.IpNetwork;
import org.graalvm.polyglot.HostAccess.Export;

/**
 * The scripts' {@code NetmaskGroup} ({@code newNMG()}): a set of networks, where {@code "!10.1.0.0/16"} excludes.
 * As in PowerDNS, the most specific matching entry decides, so a negated /16 inside an allowed /8 carves a hole.
 */
public final class NetmaskGroup {
    private record Entry(IpNetwork network, boolean negated) {}

    private final List<Entry> entries = new ArrayList<>();

    @Export
    public void addMask(String mask) {
        String m = mask.trim();
        boolean negated = m.startsWith("!");
        entries.add(new Entry(IpNetwork.parse(negated ? m.substring(1) : m), negated));
    }

    @Export
    public void addMasks(List<String> masks) {
        for (String m : masks) {
            addMask(m);
        }
    }

    /** Whether the address (ComboAddress or string) matches: the longest matching entry is not negated. */
    @Export
    public boolean match(Object address) {
        byte[] a = Netmask.addressBytes(address);
        Entry best = null;
        for (Entry e : entries) {
            if (e.network.contains(a) && (best == null || e.network.bits() > best.network.bits())) {
                best = e;
            }
        }
        return best != null && !best.negated;
    }

    @Export
    public int size() {
        return entries.size();
    }

    @Export
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(e.negated ? "!" : "").append(e.network);
        }
        return sb.toString();
    }

    @Export
    public String tostring() {
        return toString();
    }
}
