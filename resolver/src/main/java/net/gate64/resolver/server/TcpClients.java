package net.gate64.resolver.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.stats.Metrics;

/**
 * Open client TCP connections, in all and per client, and why each one closed. A client is an IPv4 address or an
 * IPv6 /64: one host usually holds a whole /64, so counting its addresses one by one would not limit it.
 */
final class TcpClients {
    /** Why a connection ended; the {@code reason} label of {@code gate64_tcp_closed_total}. */
    enum Close {
        /** The client closed it or reset it. */
        CLIENT("client"),
        /** No complete query for client-tcp-timeout while nothing was owed to the client. */
        IDLE("idle"),
        /** As IDLE, with part of a query received: a slow-drip client. */
        SLOW_QUERY("slow-query"),
        /** The client did not read its answers for client-tcp-timeout. */
        OUTPUT_STALLED("output-stalled"),
        /** Answers queued past max-tcp-queued-answer-bytes. */
        OUTPUT_LIMIT("output-limit"),
        /** max-inflight-bytes was used up when an answer was to be queued. */
        MEMORY("memory"),
        /** max-tcp-clients connections were open already. */
        CLIENT_LIMIT("client-limit"),
        /** max-tcp-per-client connections from this client were open already. */
        PER_CLIENT_LIMIT("per-client-limit"),
        /** A frame that cannot be read (a length past 65535 cannot happen; I/O errors can). */
        ERROR("error"),
        /** The server stopped. */
        SHUTDOWN("shutdown");

        final String label;

        Close(String label) {
            this.label = label;
        }
    }

    record Key(long high, long low) {
        static Key of(InetAddress a) {
            byte[] b = a.getAddress();
            long high = 0;
            for (int i = 0; i < Math.min(8, b.length); i++) {
                high = (high << 8) | (b[i] & 0xff);
            }
            return new Key(high, a instanceof Inet4Address ? -1 : 0); // -1: IPv4 (4 bytes in high), 0: an IPv6 /64
        }
    }

    private final int max;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<Key, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final LongAdder accepted;
    private final LongAdder[] closed = new LongAdder[Close.values().length];

    TcpClients(int max, int maxPerClient, Metrics metrics) {
        this.max = max;
        this.maxPerClient = maxPerClient;
        this.accepted = metrics.counter("gate64_tcp_connections_total", "Client TCP connections accepted");
        for (Close c : Close.values()) {
            closed[c.ordinal()] = metrics.counter("gate64_tcp_closed_total",
                    "Client TCP connections closed, by reason (accepted = open + closed)", "reason", c.label);
        }
        metrics.gauge("gate64_tcp_clients", "Open client TCP connections", open::get);
        metrics.gauge("gate64_tcp_client_addresses", "Clients (IPv4 address or IPv6 /64) with an open TCP connection",
                perClient::size);
    }

    /**
     * Counts a new connection in; returns null when it may stay, or the limit it broke (it is counted in all the
     * same: {@link #leave} is called for every connection that {@link #enter} saw).
     */
    Close enter(Key client) {
        accepted.increment();
        int total = open.incrementAndGet();
        int[] mine = new int[1];
        perClient.compute(client, (k, n) -> { // compute, not computeIfAbsent: a concurrent leave cannot drop our count
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            mine[0] = c.incrementAndGet();
            return c;
        });
        if (total > max) {
            return Close.CLIENT_LIMIT;
        }
        return maxPerClient > 0 && mine[0] > maxPerClient ? Close.PER_CLIENT_LIMIT : null;
    }

    void leave(Key client, Close why) {
        open.decrementAndGet();
        perClient.computeIfPresent(client, (k, n) -> n.decrementAndGet() == 0 ? null : n);
        closed[why.ordinal()].increment();
    }
}
