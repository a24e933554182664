package net.gate64.resolver.pipeline;

import net.gate64.resolver.resolve.Answer;

/**
 * Who answered a query, which decides the stages still to run: native DNS64 runs unless a hook answered, the
 * nodata/nxdomain and postresolve hooks only on what the resolver produced.
 */
sealed interface Outcome {
    Answer answer();

    /** Outcome of the same kind with another answer (DNS64 synthesis, postresolve). */
    Outcome with(Answer a);

    /** preresolve answered; no other hook runs and DNS64 leaves the answer alone. */
    record AnsweredByHook(Answer answer) implements Outcome {
        @Override
        public Outcome with(Answer a) {
            return new AnsweredByHook(a);
        }
    }

    /** Answered here without asking anyone: ipv4only.arpa (RFC 8880), PTR under a DNS64 prefix (RFC 6147 §5.3.1). */
    record AnsweredLocally(Answer answer) implements Outcome {
        @Override
        public Outcome with(Answer a) {
            return new AnsweredLocally(a);
        }
    }

    /**
     * From the caches, forwarders or the iterator, validated as the client's flags ask.
     *
     * @param byHook a nodata or nxdomain hook replaced the answer (then DNS64 leaves it alone, as in PowerDNS)
     */
    record Resolved(Answer answer, boolean byHook) implements Outcome {
        @Override
        public Outcome with(Answer a) {
            return new Resolved(a, byHook);
        }
    }
}
