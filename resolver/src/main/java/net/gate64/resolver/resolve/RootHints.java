package net.gate64.resolver.resolve;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The root servers to start from: the IANA root hints built in (named.root), or an operator's {@code hint-file} in
 * zone-file format. Only used until priming has put the root's own NS set in the cache.
 */
public record RootHints(List<Name> names, List<Record> addresses) {
    public static RootHints load(Path file) throws IOException {
        if (file == null) {
            try (InputStream in = RootHints.class.getResourceAsStream("/named.root")) {
                return parse(new Master(in, Name.root));
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("hint-file " + file + " does not exist");
        }
        return parse(new Master(file.toString(), Name.root));
    }

    private static RootHints parse(Master master) throws IOException {
        List<Name> names = new ArrayList<>();
        List<Record> addresses = new ArrayList<>();
        Record r;
        while ((r = next(master)) != null) {
            if (r instanceof NSRecord ns && ns.getName().equals(Name.root)) {
                names.add(ns.getTarget());
            } else if (r instanceof ARecord || r instanceof AAAARecord) {
                addresses.add(r);
            }
        }
        if (names.isEmpty() || addresses.isEmpty()) {
            throw new IOException("root hints hold no NS records for . with addresses");
        }
        return new RootHints(List.copyOf(names), List.copyOf(addresses));
    }

    /**
     * The next record, with dnsjava's own slips as parse errors: its zone parser throws
     * StringIndexOutOfBoundsException on an empty quoted owner name (found by fuzz/ConfigFuzzTest#zoneFiles), and a
     * broken hint file must be refused with a message, not crash the start.
     */
    private static Record next(Master master) throws IOException {
        try {
            return master.nextRecord();
        } catch (RuntimeException e) {
            throw new IOException("unreadable record (" + e + ")", e);
        }
    }

    /** The hint addresses of the given families. */
    public List<InetAddress> addresses(boolean v4, boolean v6) {
        List<InetAddress> out = new ArrayList<>();
        for (Record r : addresses) {
            if (r instanceof ARecord a && v4) {
                out.add(a.getAddress());
            } else if (r instanceof AAAARecord a && v6) {
                out.add(a.getAddress());
            }
        }
        return out;
    }
}
