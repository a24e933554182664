package net.gate64.resolver.resolve;

import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.Name;

/** A zone whose queries go to fixed servers: with RD=1 ({@code recurse}, upstream resolvers) or RD=0 (authoritative). */
public record ForwardZone(Name zone, List<InetSocketAddress> servers, boolean recurse) {
    public ForwardZone {
        servers = List.copyOf(servers);
    }
}
