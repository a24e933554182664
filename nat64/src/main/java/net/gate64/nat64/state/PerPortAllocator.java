package net.gate64.nat64.state;

/**
 * Ports one by one from the shared range, the client's addresses tried in an order derived from the client so it
 * keeps one pool4 address while that has ports (paired pooling, RFC 4787 REQ-2). With port preservation the source
 * port itself is tried first, then ports of its parity (REQ-3, REQ-4); a source port below 1024 first looks below
 * 1024 when the range has such ports (RFC 6146 §3.5.1.1).
 */
final class PerPortAllocator implements PortAllocator {
    private final Pool4 pool4;
    private final boolean preserve;

    PerPortAllocator(Pool4 pool4, boolean preserve) {
        this.pool4 = pool4;
        this.preserve = preserve;
    }

    @Override
    public BibEntry allocate(Bib bib, BindingRequest r) {
        int hash = r.client.hash();
        // at most a quarter of the budget per address, so that a full address leaves room to try others
        int perAddress = Math.min(pool4.portCount(), BindingRequest.MAX_PROBES / 4);
        for (int attempt = 0; attempt < pool4.size() && r.budget > 0; attempt++) {
            BibEntry e = onAddress(bib, r, pool4.addressFor(hash, attempt), perAddress);
            if (e != null) {
                return e;
            }
        }
        r.refusal = BindingRequest.Refusal.POOL4;
        return null;
    }

    private BibEntry onAddress(Bib bib, BindingRequest r, int addr, int limit) {
        int lo = pool4.portMin();
        int hi = pool4.portMax();
        int parity = preserve ? r.port6 & 1 : -1;
        if (preserve && pool4.portInRange(r.port6)) {
            r.budget--;
            BibEntry e = bib.claim(r, addr, r.port6);
            if (e != null) {
                return e;
            }
        }
        if (r.port6 < 1024 && lo < 1024) {
            BibEntry e = PortAllocator.probe(bib, r, addr, lo, Math.min(hi, 1023), lo + r.port6 % 64, parity, limit / 4);
            if (e != null) {
                return e;
            }
        }
        int start = pool4.nextPort(Pool4.slot(r.proto), addr);
        BibEntry e = PortAllocator.probe(bib, r, addr, lo, hi, start, parity, limit / 2);
        return e != null || parity < 0 ? e : PortAllocator.probe(bib, r, addr, lo, hi, start, -1, limit / 2);
    }
}
