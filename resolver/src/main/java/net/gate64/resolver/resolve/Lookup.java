package net.gate64.resolver.resolve;

import org.xbill.DNS.Name;

/**
 * Resolves one question to an {@link Answer}. The plain {@link CachingResolver} and the DNSSEC validator that wraps it
 * both are one, so later stages (DNS64, scripts' follow-ups) ask whichever the client's flags call for.
 */
public interface Lookup {
    /** A spent budget ends in SERVFAIL (counted); it never throws. */
    Answer resolve(Name qname, int qtype, QueryBudget budget);
}
