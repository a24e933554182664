package net.gate64.resolver.server;

import io.netty.buffer.ByteBuf;
import net.gate64.resolver.pipeline.DropReason;

/**
 * Where the {@link Frontend} ends one query: exactly one call, of either method, per query, from any thread. The
 * transport counts the outcome in {@link QueryCounters} (an answer it cannot queue becomes a drop with its reason)
 * and learns that the query no longer occupies the connection.
 */
public interface Responder {
    /** The answer (ownership passes to the responder) and its rcode. */
    void send(ByteBuf reply, int rcode);

    /** No answer, for this reason. */
    void drop(DropReason why);

    /**
     * A responder for the same query that stays valid after {@code onQuery} returns, for a query that goes on to the
     * slow path. A transport may hand {@code onQuery} a responder it reuses for every query (so that a cache hit
     * allocates none); that one returns a fresh one here. The default is this responder itself.
     */
    default Responder keep() {
        return this;
    }
}
