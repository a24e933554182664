package net.gate64.resolver.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import net.gate64.resolver.query.Transport;

/**
 * The head of the handler chain, which a config reload may replace as a whole (per-query logging switched on or
 * off, or sampled differently): the listeners keep this one object, each query costs one volatile read.
 */
public final class SwappableHandler implements QueryHandler {
    private volatile QueryHandler next;

    public SwappableHandler(QueryHandler next) {
        this.next = next;
    }

    /** The chain the queries that arrive from now on go through. */
    public void swap(QueryHandler chain) {
        this.next = chain;
    }

    @Override
    public void onQuery(ByteBuf query, InetSocketAddress remote, InetSocketAddress local, Transport transport,
                        ByteBufAllocator alloc, EventLoop loop, Responder respond) {
        next.onQuery(query, remote, local, transport, alloc, loop, respond);
    }
}
