package net.gate64.scripting.api;

import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.HostAccess.Export;

/** The scripts' suffix set ({@code newDS()}, PowerDNS's SuffixMatchNode): does a name lie at or below any member? */
public final class DomainSet {
    private final List<DNSName> names = new ArrayList<>();

    /** Adds a name (string or DNSName) or a list of them. */
    @Export
    public void add(Object name) {
        if (name instanceof List<?> list) {
            for (Object o : list) {
                names.add(DNSName.of(o));
            }
        } else {
            names.add(DNSName.of(name));
        }
    }

    @Export
    public boolean check(Object name) {
        DNSName n = DNSName.of(name);
        for (DNSName zone : names) {
            if (n.isPartOf(zone)) {
                return true;
            }
        }
        return false;
    }

    @Export
    @Override
    public String toString() {
        return names.toString();
    }
}
