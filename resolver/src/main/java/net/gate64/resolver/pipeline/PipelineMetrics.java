package net.gate64.resolver.pipeline;

import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.stats.Metrics;

/**
 * The pipeline's own counters, looked up once. Answers and drops are counted by the caller once the reply has been
 * sent or refused (see {@link Reply}); these only describe what the pipeline saw.
 */
final class PipelineMetrics {
    private final LongAdder malformed;
    private final LongAdder truncated;

    PipelineMetrics(Metrics metrics) {
        this.malformed = metrics.counter("gate64_malformed_queries_total",
                "Queries that could not be parsed or broke the query rules (answered FORMERR, or dropped when QR=1)");
        this.truncated = metrics.counter("gate64_truncated_answers_total", "UDP answers sent with TC=1");
    }

    void malformed() {
        malformed.increment();
    }

    void truncated() {
        truncated.increment();
    }
}
