package net.gate64.resolver.wire;

import io.netty.buffer.ByteBuf;

/**
 * A read-only look at a client query in its wire form, enough for the packet cache and the ACL to act without
 * building a dnsjava Message: header fields, the one question (qname must be uncompressed, as every sane client
 * sends it) and the OPT record. {@link #parse} says how far the bytes made sense.
 */
public final class QueryView {
    /** Parse outcome. */
    public enum Status {
        /** A plain query this view fully understood. */
        OK,
        /** Not even a header: nothing can be answered. */
        NO_HEADER,
        /** The header is readable but the rest is not simple: the full parser decides (FORMERR, NOTIMP, ...). */
        COMPLEX
    }

    public static final int FLAG_QR = 0x8000;
    public static final int FLAG_AA = 0x0400;
    public static final int FLAG_TC = 0x0200;
    public static final int FLAG_RD = 0x0100;
    public static final int FLAG_RA = 0x0080;
    public static final int FLAG_AD = 0x0020;
    public static final int FLAG_CD = 0x0010;

    private Status status;
    private int id;
    private int flags;
    private int qnameEnd; // index after the qname's root label, relative to the buffer's reader index
    private int qtype;
    private int qclass;
    private int ednsPayload; // -1 without OPT
    private boolean dnssecOk;

    private QueryView() {}

    public static QueryView parse(ByteBuf buf) {
        return new QueryView().reset(buf);
    }

    /** A view to {@link #reset} for each query, so that a hot path that keeps no view past a query allocates none. */
    public static QueryView reusable() {
        return new QueryView();
    }

    /** Reads {@code buf} into this view, forgetting the previous query; returns this view. */
    public QueryView reset(ByteBuf buf) {
        id = 0;
        flags = 0;
        qnameEnd = 0;
        qtype = 0;
        qclass = 0;
        ednsPayload = -1;
        dnssecOk = false;
        status = read(buf, buf.readerIndex(), buf.readableBytes());
        return this;
    }

    private Status read(ByteBuf b, int base, int len) {
        if (len < 12) {
            return Status.NO_HEADER;
        }
        id = b.getUnsignedShort(base);
        flags = b.getUnsignedShort(base + 2);
        int qd = b.getUnsignedShort(base + 4);
        int an = b.getUnsignedShort(base + 6);
        int ns = b.getUnsignedShort(base + 8);
        int ar = b.getUnsignedShort(base + 10);
        if ((flags & FLAG_QR) != 0 || opcode() != 0 || qd != 1 || an != 0 || ns != 0 || ar > 1) {
            return Status.COMPLEX;
        }
        int p = 12;
        int nameLength = 0;
        while (true) {
            if (p >= len) {
                return Status.COMPLEX;
            }
            int l = b.getUnsignedByte(base + p);
            if (l == 0) {
                p++;
                break;
            }
            if (l > 63) {
                return Status.COMPLEX; // compression pointer or reserved label type in a question
            }
            nameLength += l + 1;
            if (nameLength > 254) {
                return Status.COMPLEX;
            }
            p += l + 1;
        }
        qnameEnd = p;
        if (p + 4 > len) {
            return Status.COMPLEX;
        }
        qtype = b.getUnsignedShort(base + p);
        qclass = b.getUnsignedShort(base + p + 2);
        p += 4;
        ednsPayload = -1;
        if (ar == 1) {
            // OPT: root owner, type 41, class = payload, ttl = ext-rcode/version/flags, rdlength, options
            if (p + 11 > len || b.getUnsignedByte(base + p) != 0 || b.getUnsignedShort(base + p + 1) != 41) {
                return Status.COMPLEX;
            }
            ednsPayload = b.getUnsignedShort(base + p + 3);
            int version = b.getUnsignedByte(base + p + 6);
            dnssecOk = (b.getUnsignedShort(base + p + 7) & 0x8000) != 0;
            int rdlength = b.getUnsignedShort(base + p + 9);
            if (version != 0 || p + 11 + rdlength != len) {
                return Status.COMPLEX;
            }
            p += 11 + rdlength;
        }
        return p == len ? Status.OK : Status.COMPLEX;
    }

    public Status status() {
        return status;
    }

    public int id() {
        return id;
    }

    public int flags() {
        return flags;
    }

    public int opcode() {
        return (flags >>> 11) & 0xf;
    }

    /** Index (from the start of the message) just past the question name. The name starts at 12. */
    public int qnameEnd() {
        return qnameEnd;
    }

    public int qtype() {
        return qtype;
    }

    public int qclass() {
        return qclass;
    }

    public boolean hasEdns() {
        return ednsPayload >= 0;
    }

    /** The client's advertised UDP payload size, or -1 without EDNS. */
    public int ednsPayload() {
        return ednsPayload;
    }

    public boolean dnssecOk() {
        return dnssecOk;
    }

    public boolean flag(int mask) {
        return (flags & mask) != 0;
    }

    /** The largest UDP answer this client accepts, given the server's threshold (RFC 6891 §6.2.5). */
    public int maxUdpAnswer(int threshold) {
        return hasEdns() ? Math.max(512, Math.min(ednsPayload, threshold)) : 512;
    }
}
