package net.gate64.resolver.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import net.gate64.resolver.query.Transport;
import net.gate64.resolver.stats.RecentQueries;

/** Notes every query in the {@link RecentQueries} rings (for the top names and clients), then hands it on. */
public final class RecordingHandler implements QueryHandler {
    private final QueryHandler next;
    private final RecentQueries recent;

    public RecordingHandler(QueryHandler next, RecentQueries recent) {
        this.next = next;
        this.recent = recent;
    }

    @Override
    public void onQuery(ByteBuf query, InetSocketAddress remote, InetSocketAddress local, Transport transport,
                        ByteBufAllocator alloc, EventLoop loop, Responder respond) {
        recent.record(query, loop, remote.getAddress());
        next.onQuery(query, remote, local, transport, alloc, loop, respond);
    }
}
