package net.gate64.resolver.pipeline;

import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.stats.Metrics;
import org.xbill.DNS.Rcode;

/** The pipeline's counters, looked up once. */
final class PipelineMetrics {
    private final Metrics metrics;
    private final LongAdder[] byRcode = new LongAdder[24];
    private final LongAdder malformed;
    private final LongAdder truncated;

    PipelineMetrics(Metrics metrics) {
        this.metrics = metrics;
        for (int rc : new int[] {Rcode.NOERROR, Rcode.FORMERR, Rcode.SERVFAIL, Rcode.NXDOMAIN, Rcode.NOTIMP, Rcode.REFUSED, 16}) {
            byRcode[rc] = answers(metrics, rc);
        }
        this.malformed = metrics.counter("gate64_drops_total", "Queries dropped or refused, by reason", "reason", "malformed");
        this.truncated = metrics.counter("gate64_truncated_answers_total", "UDP answers sent with TC=1");
    }

    static LongAdder answers(Metrics metrics, int rcode) {
        return metrics.counter("gate64_answers_total", "Answers sent, by rcode", "rcode", Rcode.string(rcode).toLowerCase());
    }

    void answered(int rcode) {
        LongAdder c = rcode >= 0 && rcode < byRcode.length ? byRcode[rcode] : null;
        if (c == null) {
            c = answers(metrics, rcode);
        }
        c.increment();
    }

    void malformed() {
        malformed.increment();
    }

    void drop(String reason) {
        metrics.counter("gate64_drops_total", "Queries dropped or refused, by reason", "reason", reason).increment();
    }

    void truncated() {
        truncated.increment();
    }
}
