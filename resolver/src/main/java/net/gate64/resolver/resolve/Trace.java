package net.gate64.resolver.resolve;

import java.net.InetSocketAddress;
import org.xbill.DNS.Name;

/**
 * The steps of one traced client query ({@code trace-regex}): the pipeline's stages, each cache lookup, every
 * outgoing query with its answer, the validator's verdict. A query carries its trace on its {@link QueryBudget};
 * untraced queries carry none and pay one null check per step.
 */
public interface Trace {
    /** One step, as a line for the operator. */
    void note(String step);

    /** Chooses whether a client query is traced; null means not (the usual answer, and a cheap one). */
    @FunctionalInterface
    interface Chooser {
        Chooser NONE = (qname, qtype, client) -> null;

        Trace forQuery(Name qname, int qtype, InetSocketAddress client);
    }
}
