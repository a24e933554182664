package net.gate64.resolver.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import net.gate64.resolver.pipeline.DropReason;
import net.gate64.resolver.query.Transport;
import net.gate64.resolver.stats.RecentQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Per-query logging ({@code quiet = false}, as PowerDNS's): one line when a query ends, for one query in every
 * {@code query-log-sample} chosen at random, with {@code client}, {@code qname}, {@code qtype}, {@code transport},
 * and {@code rcode} and {@code ms} for an answer or {@code dropped} with the reason. Only in the chain when asked for:
 * with {@code quiet = true} (the default) no query pays anything for it.
 */
public final class QueryLogHandler implements QueryHandler {
    private static final Logger LOG = LoggerFactory.getLogger("net.gate64.resolver.Queries");

    private final QueryHandler next;
    private final java.util.function.BooleanSupplier sampled;

    /** @param oneIn log one query in this many, chosen at random (1: every query) */
    public QueryLogHandler(QueryHandler next, int oneIn) {
        this(next, oneIn <= 1 ? () -> true : () -> ThreadLocalRandom.current().nextInt(oneIn) == 0);
    }

    /** @param sampled whether to log the query at hand (tests decide it themselves) */
    QueryLogHandler(QueryHandler next, java.util.function.BooleanSupplier sampled) {
        this.next = next;
        this.sampled = sampled;
    }

    @Override
    public void onQuery(ByteBuf query, InetSocketAddress remote, InetSocketAddress local, Transport transport,
                        ByteBufAllocator alloc, EventLoop loop, Responder respond) {
        if (!LOG.isInfoEnabled() || !sampled.getAsBoolean()) {
            next.onQuery(query, remote, local, transport, alloc, loop, respond);
            return;
        }
        long start = System.nanoTime();
        String qname = "?";
        String qtype = "?";
        int nameLen = RecentQueries.questionNameLength(query);
        if (nameLen > 0) {
            byte[] wire = new byte[nameLen];
            query.getBytes(query.readerIndex() + 12, wire);
            try {
                qname = new Name(wire).toString();
                qtype = Type.string(query.getUnsignedShort(query.readerIndex() + 12 + nameLen));
            } catch (java.io.IOException e) {
                // left as "?": the pipeline answers FORMERR or drops it, and this line says which
            }
        }
        next.onQuery(query, remote, local, transport, alloc, loop, new Logged(respond, start,
                remote.getAddress().getHostAddress(), qname, qtype, transport.name().toLowerCase(Locale.ROOT)));
    }

    /** Passes the outcome on, then logs it. */
    private record Logged(Responder target, long start, String client, String qname, String qtype, String transport)
            implements Responder {
        @Override
        public void send(ByteBuf reply, int rcode) {
            target.send(reply, rcode);
            LOG.atInfo().addKeyValue("client", client).addKeyValue("qname", qname).addKeyValue("qtype", qtype)
                    .addKeyValue("transport", transport).addKeyValue("rcode", Rcode.string(rcode).toLowerCase(Locale.ROOT))
                    .addKeyValue("ms", Math.round((System.nanoTime() - start) / 1e4) / 100.0).log("query");
        }

        @Override
        public void drop(DropReason why) {
            target.drop(why);
            LOG.atInfo().addKeyValue("client", client).addKeyValue("qname", qname).addKeyValue("qtype", qtype)
                    .addKeyValue("transport", transport).addKeyValue("dropped", why.label()).log("query");
        }

        /** The transport's responder may be reused once onQuery returns: keep its lasting form, and log around it. */
        @Override
        public Responder keep() {
            return new Logged(target.keep(), start, client, qname, qtype, transport);
        }
    }
}
