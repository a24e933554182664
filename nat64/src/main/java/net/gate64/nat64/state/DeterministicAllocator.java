package net.gate64.nat64.state;

/**
 * RFC 7422 deterministic ranges ({@link DeterministicMap}): a client's bindings take ports of its own fixed range on
 * its own fixed address, its source port when that lies inside and is free, else one of the same parity. A client
 * outside the deterministic prefix gets nothing (counted as {@code client_outside_map}).
 */
final class DeterministicAllocator implements PortAllocator {
    private final DeterministicMap map;
    private final boolean preserve;

    DeterministicAllocator(DeterministicMap map, boolean preserve) {
        this.map = map;
        this.preserve = preserve;
    }

    @Override
    public BibEntry allocate(Bib bib, BindingRequest r) {
        int index = map.index(r.client.hi, r.client.lo);
        if (index < 0) {
            r.refusal = BindingRequest.Refusal.OUTSIDE_MAP;
            return null;
        }
        int addr = map.address(index);
        int lo = map.firstPort(index);
        int hi = map.lastPort(index);
        int parity = preserve ? r.port6 & 1 : -1;
        if (preserve && r.port6 >= lo && r.port6 <= hi) {
            r.budget--;
            BibEntry e = bib.claim(r, addr, r.port6);
            if (e != null) {
                return e;
            }
        }
        int start = lo + Math.floorMod(r.port6, hi - lo + 1);
        BibEntry e = PortAllocator.probe(bib, r, addr, lo, hi, start, parity, hi - lo + 1);
        if (e == null && parity >= 0) {
            e = PortAllocator.probe(bib, r, addr, lo, hi, start, -1, hi - lo + 1);
        }
        if (e == null) {
            r.refusal = BindingRequest.Refusal.CLIENT_PORTS;
        }
        return e;
    }
}
