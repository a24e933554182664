package net.gate64.nat64.state;

/**
 * Dynamic port blocks (RFC 6888 REQ-14 bulk port allocation): a client's first binding takes a block of
 * consecutive ports on one pool4 address, later bindings take ports of its blocks, and when they are full another
 * block on the same address (paired pooling, RFC 6888 REQ-2 / RFC 4787 REQ-2) up to the per-client limit
 * (RFC 6888 REQ-4). A block goes back when its last binding does. Port preservation works with blocks: the block
 * holding the client's source port is preferred, then that port, then a port of its parity.
 */
final class BlockAllocator implements PortAllocator {
    /** How many addresses a client's first block may look at for the block holding its source port. */
    private static final int PRESERVING_ADDRESSES = 16;

    private final Pool4 pool4;
    private final PortBlocks blocks;
    private final boolean preserve;
    private final int clientPrefixLength;

    BlockAllocator(Pool4 pool4, PortBlocks blocks, boolean preserve, int clientPrefixLength) {
        this.pool4 = pool4;
        this.blocks = blocks;
        this.preserve = preserve;
        this.clientPrefixLength = clientPrefixLength;
    }

    @Override
    public BibEntry allocate(Bib bib, BindingRequest r) {
        Client c = r.client;
        int parity = preserve ? r.port6 & 1 : -1;
        int own = blocks.blockOf(r.port6);
        if (preserve && own >= 0) {
            int slot = c.blockCount > 0 ? c.slotOf(own) : -1;
            if (slot >= 0) {
                BibEntry e = claimIn(bib, r, c, slot, r.port6);
                if (e != null) {
                    return e;
                }
            } else if (c.blockCount < blocks.perClient && takePreserving(bib, c, own)) {
                BibEntry e = claimIn(bib, r, c, c.blockCount - 1, r.port6);
                if (e != null) {
                    return e;
                }
                giveBackIfUnused(bib, c, c.blockCount - 1);
            }
        }
        for (int pass = parity < 0 ? 1 : 0; pass < 2; pass++) {
            for (int slot = 0; slot < c.blockCount; slot++) {
                BibEntry e = probeBlock(bib, r, c, slot, pass == 0 ? parity : -1);
                if (e != null) {
                    return e;
                }
            }
        }
        if (c.blockCount >= blocks.perClient) {
            r.refusal = BindingRequest.Refusal.CLIENT_PORTS;
            return null;
        }
        if (!takeAny(bib, c)) {
            r.refusal = BindingRequest.Refusal.POOL4;
            return null;
        }
        int slot = c.blockCount - 1;
        BibEntry e = probeBlock(bib, r, c, slot, parity);
        if (e == null && parity >= 0) {
            e = probeBlock(bib, r, c, slot, -1);
        }
        if (e == null) {
            giveBackIfUnused(bib, c, slot);
            r.refusal = BindingRequest.Refusal.POOL4;
        }
        return e;
    }

    @Override
    public void released(Bib bib, Client c, BibEntry e) {
        if (e.addr4 != c.addr4 || c.blockCount == 0) {
            return;
        }
        int slot = c.slotOf(blocks.blockOf(e.port4));
        if (slot >= 0 && --c.use[slot] == 0) {
            giveBack(bib, c, slot);
        }
    }

    private BibEntry probeBlock(Bib bib, BindingRequest r, Client c, int slot, int parity) {
        int first = blocks.firstPort(c.blocks[slot]);
        int start = first + Math.floorMod(r.port6, blocks.size);
        BibEntry e = PortAllocator.probe(bib, r, c.addr4, first, first + blocks.size - 1, start, parity, blocks.size);
        if (e != null) {
            c.use[slot]++;
        }
        return e;
    }

    private BibEntry claimIn(Bib bib, BindingRequest r, Client c, int slot, int port) {
        r.budget--;
        BibEntry e = bib.claim(r, c.addr4, port);
        if (e != null) {
            c.use[slot]++;
        }
        return e;
    }

    /** The block holding the source port, on the client's address, or for a first block on one of a few. */
    private boolean takePreserving(Bib bib, Client c, int block) {
        if (c.blockCount > 0) {
            return take(bib, c, c.addr4, block);
        }
        int hash = c.hash();
        for (int attempt = 0; attempt < Math.min(pool4.size(), PRESERVING_ADDRESSES); attempt++) {
            if (take(bib, c, pool4.addressFor(hash, attempt), block)) {
                return true;
            }
        }
        return false;
    }

    /** Any free block on the client's address, or for a first block on the first address with one. */
    private boolean takeAny(Bib bib, Client c) {
        if (c.blockCount > 0) {
            return added(bib, c, c.addr4, blocks.takeAny(c.addr4));
        }
        int hash = c.hash();
        for (int attempt = 0; attempt < pool4.size(); attempt++) {
            int addr = pool4.addressFor(hash, attempt);
            if (added(bib, c, addr, blocks.takeAny(addr))) {
                return true;
            }
        }
        return false;
    }

    private boolean take(Bib bib, Client c, int addr, int block) {
        return blocks.take(addr, block) && added(bib, c, addr, block);
    }

    private boolean added(Bib bib, Client c, int addr, int block) {
        if (block < 0) {
            return false;
        }
        c.addr4 = addr;
        c.addBlock(block);
        bib.blockCreated(blockEvent(c, block));
        return true;
    }

    private void giveBackIfUnused(Bib bib, Client c, int slot) {
        if (c.use[slot] == 0) {
            giveBack(bib, c, slot);
        }
    }

    private void giveBack(Bib bib, Client c, int slot) {
        int block = c.blocks[slot];
        PortBlock event = blockEvent(c, block);
        blocks.free(c.addr4, block);
        c.removeSlot(slot);
        bib.blockDeleted(event);
    }

    private PortBlock blockEvent(Client c, int block) {
        return new PortBlock(c.hi, c.lo, clientPrefixLength, c.addr4, blocks.firstPort(block), blocks.lastPort(block));
    }
}
