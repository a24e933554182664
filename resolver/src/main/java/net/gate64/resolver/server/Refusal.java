package net.gate64.resolver.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import net.gate64.resolver.wire.QueryView;

/** REFUSED answers built straight from the query's bytes, for clients the ACL turns away. */
final class Refusal {
    private Refusal() {}

    static ByteBuf refused(ByteBuf query, QueryView view, ByteBufAllocator alloc) {
        int base = query.readerIndex();
        boolean withQuestion = view.status() == QueryView.Status.OK;
        int length = withQuestion ? view.qnameEnd() + 4 : 12;
        ByteBuf out = alloc.buffer(length);
        out.writeBytes(query, base, length);
        int flags = 0x8000 | (view.flags() & 0x7900) | 5; // QR, opcode and RD kept, RCODE=REFUSED
        out.setShort(2, flags);
        out.setShort(4, withQuestion ? 1 : 0);
        out.setShort(6, 0);
        out.setShort(8, 0);
        out.setShort(10, 0);
        return out;
    }
}
