package net.gate64.resolver.pipeline;

import java.net.InetSocketAddress;
import net.gate64.resolver.cache.PacketKey;

/**
 * A query as it reached the slow path: its bytes, who sent it where, over what, and the packet-cache key the fast
 * path computed (null when the query was too unusual for the fast path; then its answer is not packet-cached).
 */
public record ClientQuery(byte[] wire, InetSocketAddress remote, InetSocketAddress local, Transport transport,
                          PacketKey cacheKey, int maxUdpAnswer, long receivedNanos) {}
