package net.gate64.resolver.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import net.gate64.resolver.query.Transport;

/** What the listeners hand each query to: the {@link Frontend}, or a fake in tests and fuzz targets. */
public interface QueryHandler {
    /**
     * Handles one query read on {@code loop}; {@code respond} is called exactly once, now or later. The query's
     * bytes are only valid during this call.
     */
    void onQuery(ByteBuf query, InetSocketAddress remote, InetSocketAddress local, Transport transport,
                 ByteBufAllocator alloc, EventLoop loop, Responder respond);
}
