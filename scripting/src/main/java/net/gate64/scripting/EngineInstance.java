package net.gate64.scripting;

import java.util.Set;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;

/**
 * One loaded copy of a script in one engine (a Lua state, a JavaScript context). Not thread-safe: the pool hands it
 * to one caller at a time. Calls end before {@code deadlineNanos} (System.nanoTime) or fail with a timeout.
 */
public interface EngineInstance extends AutoCloseable {
    Set<Hook> definedHooks();

    boolean call(Hook hook, DnsQuestion dq, long deadlineNanos) throws HookFailure;

    boolean ipfilter(ComboAddress remote, ComboAddress local, DNSHeader dh, long deadlineNanos) throws HookFailure;

    @Override
    void close();
}
