package net.gate64.resolver.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.gate64.common.Nat64Prefix;
import net.gate64.config.Build;
import net.gate64.resolver.Recursor;
import net.gate64.common.HostPort;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.dns64.Dns64Settings;
import net.gate64.resolver.dnssec.DnssecSettings;
import net.gate64.resolver.resolve.ForwardZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What a running recursor does, logged once at info level when it has started: version and config file, listeners,
 * DNSSEC mode and anchors, DNS64 prefixes (global and per client), forwarding, the hook script, cache sizes and the
 * web server. An operator reading the log knows which settings are in force without reading the files.
 */
public final class StartupSummary {
    private static final Logger LOG = LoggerFactory.getLogger("gate64");

    private StartupSummary() {}

    public static void log(Recursor recursor, Path configFile) {
        for (String line : lines(recursor.settings(), recursor.dnsAddresses(), recursor.webAddress(), configFile)) {
            LOG.info(line);
        }
    }

    static List<String> lines(RecursorSettings s, List<InetSocketAddress> dns, InetSocketAddress web, Path configFile) {
        List<String> out = new ArrayList<>();
        out.add("gate64 recursor " + Build.version() + " running; config "
                + (configFile == null ? "built-in defaults (no --config file)" : configFile.toString()));
        out.add("listening for DNS on " + join(dns.stream().map(HostPort::format).toList()) + " (UDP and TCP, "
                + s.eventLoopThreads() + " event-loop threads); clients allowed: " + networks(s.allowFrom(), "everybody (an open resolver)"));
        out.add(web == null ? "webserver: off"
                : "webserver on http://" + HostPort.format(web) + " (/metrics, /health, /ready, control); allowed: "
                        + networks(s.webserverAccess().allowFrom(), "everybody")
                        + "; api-key " + (s.webserverAccess().apiKey().isSet() ? "set" : "not set (state-changing control disabled)"));
        out.add(dnssec(s.dnssec()));
        out.add(dns64(s.dns64()));
        if (s.dns46().enabled()) {
            out.add(dns46(s.dns46()));
        }
        out.add(resolution(s));
        out.add(s.script().file() == null ? "hook script: none"
                : "hook script: " + s.script().file() + " (" + (s.script().file().toString().endsWith(".js")
                        ? "JavaScript" : "Lua") + ", " + s.script().hookTimeout().toMillis() + " ms per hook call)");
        out.add("caches: record " + s.maxCacheEntries() + " RRsets (TTL cap " + s.maxCacheTtl() + " s, negative "
                + s.maxNegativeTtl() + " s), packet " + s.maxPacketCacheEntries() + " answers (TTL cap "
                + s.packetCacheTtl() + " s, negative " + s.packetCacheNegativeTtl() + " s, SERVFAIL "
                + s.packetCacheServfailTtl() + " s)");
        return out;
    }

    private static String dnssec(DnssecSettings d) {
        String mode = d.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (d.mode() == DnssecSettings.Mode.OFF) {
            return "dnssec: off (no validation, no DNSSEC records)";
        }
        List<String> anchors = new ArrayList<>();
        for (Record r : d.anchors()) {
            String what = r instanceof DSRecord ds ? "DS " + ds.getFootprint()
                    : r instanceof DNSKEYRecord k ? "DNSKEY " + k.getFootprint() : r.getType() + "";
            anchors.add(r.getName() + " " + what);
        }
        List<String> ntas = new ArrayList<>();
        for (Map.Entry<Name, String> e : d.negativeAnchors().entrySet()) {
            ntas.add(e.getKey() + " (" + e.getValue() + ")");
        }
        boolean iana = d.anchors().containsAll(DnssecSettings.ianaRootAnchors());
        return "dnssec: " + mode + "; trust anchors: " + join(anchors) + (iana ? " (IANA root)" : "")
                + "; negative trust anchors: " + (ntas.isEmpty() ? "none" : join(ntas));
    }

    private static String dns64(Dns64Settings d) {
        if (!d.enabled()) {
            return "dns64: off (dns64-prefix and dns64-clients are empty)";
        }
        List<String> clients = new ArrayList<>();
        for (Dns64Settings.ClientPrefixes c : d.clients()) {
            clients.add(networks(c.networks(), "none") + " -> " + prefixes(c.prefixes()));
        }
        return "dns64: prefix " + (d.prefixes().isEmpty() ? "none (only listed clients)" : prefixes(d.prefixes()))
                + "; per client: " + (clients.isEmpty() ? "none" : join(clients)) + "; exclude " + networks(d.exclude(), "none")
                + ", mapped " + networks(d.mapped(), "none") + ", PTR as " + d.ptrMode().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String dns46(net.gate64.resolver.dns46.Dns46Settings d) {
        List<String> eam = new ArrayList<>();
        for (net.gate64.common.EamTable.Entry e : d.eam()) {
            eam.add(e.ipv4() + " = " + e.ipv6());
        }
        return "dns46: A from AAAA for clients " + networks(d.clients(), "none") + " through EAM " + join(eam)
                + "; exclude " + networks(d.exclude(), "none") + ", PTR " + (d.ptr() ? "answered" : "resolved as is");
    }

    private static String resolution(RecursorSettings s) {
        List<String> forward = new ArrayList<>();
        List<String> recurse = new ArrayList<>();
        for (ForwardZone z : s.forwardZones().values()) {
            String text = z.zone() + " -> " + join(z.servers().stream().map(HostPort::format).toList());
            (z.recurse() ? recurse : forward).add(text);
        }
        forward.sort(null);
        recurse.sort(null);
        boolean everything = s.forwardZones().containsKey(Name.root);
        return "forward-zones: " + (forward.isEmpty() ? "none" : join(forward))
                + "; forward-zones-recurse: " + (recurse.isEmpty() ? "none" : join(recurse))
                + (everything ? "; no iteration (\".\" is forwarded)"
                        : "; other names by iteration from " + (s.hintFile() == null ? "the built-in root hints"
                                : s.hintFile().toString()) + (s.qnameMinimization() ? ", QNAME minimisation on" : ""));
    }

    private static String prefixes(List<Nat64Prefix> ps) {
        return join(ps.stream().map(Nat64Prefix::toString).toList());
    }

    private static String networks(net.gate64.common.NetworkSet set, String whenEmpty) {
        String s = set.toString();
        return set.isEmpty() ? whenEmpty : s.substring(1, s.length() - 1);
    }

    private static String join(List<String> parts) {
        return String.join(", ", parts);
    }
}
