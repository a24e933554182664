package net.gate64.resolver.wire;

import java.nio.ByteBuffer;

/**
 * Finds, in an upstream response's wire form, whether it is a plain positive answer to its own question (NOERROR, one
 * question, an answer record owned by the question's name and of its type) and where its answer section ends. Such a
 * response can be parsed without its authority and additional sections: nothing the resolver does with a positive
 * answer reads them when DNSSEC records were not asked for (the NS set and glue a server adds there are not cached
 * from answers, and only DO brings the NSEC proofs a wildcard answer needs). {@link #trim} cuts them off in place so
 * the full parser never builds their names and records.
 *
 * <p>Only the common shape is recognised: the answer's owner must be a compression pointer to the question's name
 * (offset 12), as servers write it. Anything else (an uncompressed owner, a CNAME first, a malformed record) is left
 * whole for the full parser, which decides as before.
 */
public final class AnswerOnly {
    private AnswerOnly() {}

    /**
     * Cuts {@code m} (from its position to its limit) to header, question and answer section when it is a positive
     * answer of type {@code qtype} with more sections behind: NSCOUNT and ARCOUNT are set to zero in place and the
     * limit moved to the answer's end. Returns whether it did; {@code m} is untouched otherwise.
     */
    public static boolean trim(ByteBuffer m, int qtype) {
        if (m.isReadOnly()) {
            return false;
        }
        int base = m.position();
        int end = answerEnd(m, base, m.limit(), qtype);
        if (end < 0) {
            return false;
        }
        m.put(base + 8, (byte) 0).put(base + 9, (byte) 0).put(base + 10, (byte) 0).put(base + 11, (byte) 0);
        m.limit(end);
        return true;
    }

    /**
     * The absolute index after the answer section of the message in {@code [base, limit)}, or -1 when it is not a
     * positive answer to a {@code qtype} question with authority or additional records behind it.
     */
    static int answerEnd(ByteBuffer m, int base, int limit, int qtype) {
        if (limit - base < 12) {
            return -1;
        }
        int flags = u16(m, base + 2);
        // QR set, opcode QUERY, not truncated, rcode NOERROR (an extended rcode would sit in the OPT: see below)
        if ((flags & 0x8000) == 0 || (flags & 0x7800) != 0 || (flags & 0x0200) != 0 || (flags & 0x000f) != 0) {
            return -1;
        }
        int qd = u16(m, base + 4);
        int an = u16(m, base + 6);
        int ns = u16(m, base + 8);
        int ar = u16(m, base + 10);
        if (qd != 1 || an == 0 || ns + ar == 0) {
            return -1;
        }
        int p = skipName(m, base + 12, limit, false);
        if (p < 0 || p + 4 > limit || u16(m, p) != qtype || u16(m, p + 2) != 1) {
            return -1;
        }
        p += 4;
        boolean found = false;
        for (int i = 0; i < an; i++) {
            boolean ownerIsQuestion = p + 2 <= limit && (m.get(p) & 0xff) == 0xc0 && (m.get(p + 1) & 0xff) == 12;
            p = skipName(m, p, limit, true);
            if (p < 0 || p + 10 > limit) {
                return -1;
            }
            int type = u16(m, p);
            int rdlength = u16(m, p + 8);
            if (ownerIsQuestion && type == qtype && u16(m, p + 2) == 1) {
                found = true;
            }
            p += 10 + rdlength;
            if (p > limit) {
                return -1;
            }
        }
        if (!found || !noExtendedRcode(m, p, limit, ns + ar)) {
            return -1;
        }
        return p;
    }

    /**
     * Whether the records from {@code p} on are well formed and an OPT among them carries no extended rcode: an
     * answer whose OPT says BADVERS (or any rcode above 15) is not NOERROR and must reach the full parser whole.
     */
    private static boolean noExtendedRcode(ByteBuffer m, int p, int limit, int records) {
        for (int i = 0; i < records; i++) {
            p = skipName(m, p, limit, true);
            if (p < 0 || p + 10 > limit) {
                return false;
            }
            if (u16(m, p) == 41 && (m.get(p + 4) & 0xff) != 0) {
                return false;
            }
            p += 10 + u16(m, p + 8);
            if (p > limit) {
                return false;
            }
        }
        return p == limit;
    }

    /** The index after the name at {@code p}, or -1 when it runs past {@code limit} or is not a plain name. */
    private static int skipName(ByteBuffer m, int p, int limit, boolean pointers) {
        while (p < limit) {
            int l = m.get(p) & 0xff;
            if (l == 0) {
                return p + 1;
            }
            if ((l & 0xc0) == 0xc0) {
                return pointers && p + 2 <= limit ? p + 2 : -1;
            }
            if (l > 63) {
                return -1;
            }
            p += l + 1;
        }
        return -1;
    }

    private static int u16(ByteBuffer m, int p) {
        return ((m.get(p) & 0xff) << 8) | (m.get(p + 1) & 0xff);
    }
}
