package net.gate64.resolver.query;

import java.net.InetSocketAddress;
import net.gate64.resolver.cache.PacketKey;
import net.gate64.scripting.ScriptHooks;

/**
 * A query as it left the fast path: its bytes, who sent it where, over what, the packet-cache key the fast path
 * computed (null when the query was too unusual for the fast path; then its answer is not packet-cached), and the
 * script version pinned when it arrived (gettag already ran with it; every later hook of this query uses it too).
 */
public record ClientQuery(byte[] wire, InetSocketAddress remote, InetSocketAddress local, Transport transport,
                          PacketKey cacheKey, int maxUdpAnswer, long receivedNanos, ScriptHooks script) {}
