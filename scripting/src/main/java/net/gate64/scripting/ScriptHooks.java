package net.gate64.scripting;

import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;

/**
 * What the resolver calls: the hooks of the loaded script, in DNS terms. Every call is bounded in time and never
 * throws: a script error or timeout is reported to {@link ScriptEvents} and counts as "not handled" (false), so the
 * query continues as if the hook were absent. Safe to call from many threads at once.
 */
public interface ScriptHooks extends AutoCloseable {
    /** No script: nothing is defined, every call returns false. */
    ScriptHooks NONE = new ScriptHooks() {
        @Override
        public boolean defines(Hook hook) {
            return false;
        }

        @Override
        public boolean call(Hook hook, DnsQuestion dq) {
            return false;
        }

        @Override
        public boolean ipfilter(ComboAddress remote, ComboAddress local, DNSHeader dh) {
            return false;
        }

        @Override
        public int gettag(ComboAddress remote, ComboAddress local, DNSName qname, int qtype, boolean tcp) {
            return 0;
        }

        @Override
        public String description() {
            return "none";
        }

        @Override
        public void close() {}
    };

    boolean defines(Hook hook);

    /** Runs preresolve, nodata, nxdomain or postresolve; true = handled (use dq's rcode, records and follow-up). */
    boolean call(Hook hook, DnsQuestion dq);

    /** Runs ipfilter; true = drop the query. */
    boolean ipfilter(ComboAddress remote, ComboAddress local, DNSHeader dh);

    /**
     * Runs gettag, which PowerDNS calls before the packet-cache lookup: its result becomes part of the packet-cache
     * key (and dq.tag), so answers that differ per client stay cacheable per tag. Called on the event loop, so it never
     * waits for a script instance: -1 means none was free, and the caller then bypasses the packet cache. An error or
     * timeout gives 0, as in PowerDNS.
     */
    int gettag(ComboAddress remote, ComboAddress local, DNSName qname, int qtype, boolean tcp);

    /** The script file and engine, for logs. */
    String description();

    @Override
    void close();
}
