package net.gate64.scripting;

import java.util.Set;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;

/**
 * One loaded copy of a script in one engine (a Lua state, a JavaScript context). Not thread-safe: the pool hands it
 * to one caller at a time. Calls end before {@code deadlineNanos} (System.nanoTime) or fail with a timeout.
 */
public interface EngineInstance extends AutoCloseable {
    Set<Hook> definedHooks();

    boolean call(Hook hook, DnsQuestion dq, long deadlineNanos) throws HookFailure;

    boolean ipfilter(ComboAddress remote, ComboAddress local, DNSHeader dh, long deadlineNanos) throws HookFailure;

    /** gettag(remote, ednssubnet, local, qname, qtype, ednsoptions, tcp): the first return value as an int (0 if none). */
    int gettag(ComboAddress remote, ComboAddress local, DNSName qname, int qtype, boolean tcp, long deadlineNanos)
            throws HookFailure;

    @Override
    void close();
}
