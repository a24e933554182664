package net.gate64.nat64.state;

/**
 * Chooses the pool4 transport address of a new binding and claims it in the {@link Bib}; the strategies are ports
 * one by one ({@link PerPortAllocator}), dynamic blocks ({@link BlockAllocator}) and deterministic ranges
 * ({@link DeterministicAllocator}). Both methods run holding the client's monitor, so one client's allocations never
 * race each other; different clients' race only for the BIB entry, which {@link Bib#claim} settles.
 */
interface PortAllocator {
    /** The new binding with its IPv4 side claimed, or null with {@code r.refusal} set. */
    BibEntry allocate(Bib bib, BindingRequest r);

    /** Binding {@code e}, made by {@link #allocate}, is gone from the BIB: its port goes back. */
    default void released(Bib bib, Client c, BibEntry e) {}

    /**
     * Claims the first free port of {@code [lo, hi]} on {@code addr} from {@code start} upwards (wrapping), of the
     * same parity as {@code parity} unless it is negative, trying at most {@code limit} ports (and never more than
     * the request's budget).
     */
    static BibEntry probe(Bib bib, BindingRequest r, int addr, int lo, int hi, int start, int parity, int limit) {
        int span = hi - lo + 1;
        int first = start < lo || start > hi ? lo : start;
        int tried = 0;
        for (int i = 0; i < span && tried < limit && r.budget > 0; i++) {
            int port = lo + (first - lo + i) % span;
            if (parity >= 0 && (port & 1) != parity) {
                continue;
            }
            tried++;
            r.budget--;
            BibEntry e = bib.claim(r, addr, port);
            if (e != null) {
                return e;
            }
        }
        return null;
    }
}
