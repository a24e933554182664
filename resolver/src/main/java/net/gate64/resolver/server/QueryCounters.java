package net.gate64.resolver.server;

import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.pipeline.DropReason;
import net.gate64.resolver.stats.Metrics;
import org.xbill.DNS.Rcode;

/**
 * The end of every received query, counted once: {@code gate64_answers_total{rcode}} when an answer was handed to the
 * socket, {@code gate64_drops_total{reason}} when none was. Whoever decides a query's fate (the front end for its
 * own drops, the transport for answers it could or could not queue) calls exactly one of these, so
 * {@code sum(gate64_queries_total) = sum(gate64_answers_total) + sum(gate64_drops_total)} once nothing is in flight.
 */
public final class QueryCounters {
    static final String ANSWERS = "gate64_answers_total";
    static final String DROPS = "gate64_drops_total";
    private static final String ANSWERS_HELP = "Answers sent, by rcode (packet-cache hits, REFUSED to clients outside "
            + "allow-from and FORMERR included)";
    private static final String DROPS_HELP = "Queries received and not answered, by reason";

    private final Metrics metrics;
    private final LongAdder[] byRcode = new LongAdder[24];
    private final LongAdder[] byReason = new LongAdder[DropReason.values().length];

    public QueryCounters(Metrics metrics) {
        this.metrics = metrics;
        for (int rc : new int[] {Rcode.NOERROR, Rcode.FORMERR, Rcode.SERVFAIL, Rcode.NXDOMAIN, Rcode.NOTIMP, Rcode.REFUSED, 16}) {
            byRcode[rc] = answers(rc);
        }
        for (DropReason r : DropReason.values()) {
            byReason[r.ordinal()] = metrics.counter(DROPS, DROPS_HELP, "reason", r.label());
        }
    }

    private LongAdder answers(int rcode) {
        return metrics.counter(ANSWERS, ANSWERS_HELP, "rcode", Rcode.string(rcode).toLowerCase());
    }

    public void answered(int rcode) {
        LongAdder c = rcode >= 0 && rcode < byRcode.length ? byRcode[rcode] : null;
        if (c == null) {
            c = answers(rcode); // rare rcodes (a script's choice): looked up when they happen
            if (rcode >= 0 && rcode < byRcode.length) {
                byRcode[rcode] = c;
            }
        }
        c.increment();
    }

    public void dropped(DropReason why) {
        byReason[why.ordinal()].increment();
    }
}
