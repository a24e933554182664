package net.gate64.resolver.pipeline;

import net.gate64.resolver.query.ClientQuery;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.script.ScriptedQuery;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;

/**
 * Everything one client query carries through the pipeline, decided once on arrival: the parsed question, the
 * client's DO/AD/CD bits, its DNS64 prefixes, whether it gets DNS46, the lookup its flags call for (validating or
 * not), its work budget (which names the event loop that owns it) and its passage through the script version it
 * pinned.
 */
record QueryContext(ClientQuery client, Message query, Name qname, int qtype, boolean dnssecOk, boolean adAsked,
                    boolean checkingDisabled, List<Nat64Prefix> prefixes, boolean dns46, Lookup lookup,
                    QueryBudget budget, ScriptedQuery script) {

    /** The client's DO bit (RFC 3225), read from its OPT record. */
    static boolean dnssecOk(Message query) {
        OPTRecord opt = query.getOPT();
        return opt != null && (opt.getFlags() & Flags.DO) != 0;
    }

    /** DNS64 and DNS46 synthesis are off for a client that validates itself (DO and CD, RFC 6147 §5.5). */
    boolean clientValidates() {
        return dnssecOk && checkingDisabled;
    }
}
