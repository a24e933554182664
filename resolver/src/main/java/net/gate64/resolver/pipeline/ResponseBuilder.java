package net.gate64.resolver.pipeline;

import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Turns a resolved answer into the reply message: ID, RD and CD copied from the query, RA set, the question echoed
 * with the client's own spelling, and an OPT record when the client sent one (RFC 6891 §7: our payload size, DO
 * echoed).
 */
public final class ResponseBuilder {
    private static final int MAX_EDE_TEXT = 160;
    private final int advertisedPayload;

    public ResponseBuilder(int advertisedPayload) {
        this.advertisedPayload = advertisedPayload;
    }

    public Message reply(Message query, int rcode, List<Record> answer, List<Record> authority, boolean ad) {
        return reply(query, rcode, answer, authority, ad, null);
    }

    /** As above, with an Extended DNS Error (RFC 8914) in the OPT record when the client sent EDNS. */
    public Message reply(Message query, int rcode, List<Record> answer, List<Record> authority, boolean ad,
                         net.gate64.resolver.resolve.Answer.Ede ede) {
        Message r = header(query, rcode);
        OPTRecord opt = r.getOPT();
        if (ede != null && opt != null) {
            r.removeRecord(opt, Section.ADDITIONAL);
            r.addRecord(new OPTRecord(opt.getPayloadSize(), opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(),
                    List.of(new org.xbill.DNS.ExtendedErrorCodeOption(ede.code(), shortText(ede.text())))),
                    Section.ADDITIONAL);
        }
        if (query.getQuestion() != null) {
            r.addRecord(query.getQuestion(), Section.QUESTION);
        }
        for (Record rec : answer) {
            r.addRecord(rec, Section.ANSWER);
        }
        for (Record rec : authority) {
            r.addRecord(rec, Section.AUTHORITY);
        }
        if (ad) {
            r.getHeader().setFlag(Flags.AD);
        }
        return r;
    }

    /** EDE EXTRA-TEXT is for humans (RFC 8914 §2): keep it short enough never to crowd the answer out of a packet. */
    static String shortText(String text) {
        if (text == null || text.length() <= MAX_EDE_TEXT) {
            return text;
        }
        int cut = text.indexOf(" {"); // dnsjava appends the whole failing RRset after " { "
        String head = cut > 0 && cut < MAX_EDE_TEXT ? text.substring(0, cut) : text.substring(0, MAX_EDE_TEXT - 3) + "...";
        return head;
    }

    /** An error reply (FORMERR, NOTIMP, REFUSED, BADVERS...) echoing what of the query is known. */
    public Message error(Message query, int rcode) {
        Message r = header(query, rcode);
        if (query.getQuestion() != null) {
            r.addRecord(query.getQuestion(), Section.QUESTION);
        }
        return r;
    }

    /** FORMERR for a query whose header is all we could read (RFC 1035 §4.1.1). */
    public static byte[] formerrFromHeader(byte[] query) {
        byte[] r = new byte[12];
        r[0] = query[0];
        r[1] = query[1];
        r[2] = (byte) (0x80 | (query[2] & 0x79)); // QR, opcode and RD kept
        r[3] = (byte) (0x80 | Rcode.FORMERR); // RA
        return r;
    }

    private Message header(Message query, int rcode) {
        Header q = query.getHeader();
        Message r = new Message(q.getID());
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(q.getOpcode());
        if (q.getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (q.getFlag(Flags.CD)) {
            h.setFlag(Flags.CD);
        }
        h.setFlag(Flags.RA);
        OPTRecord clientOpt = query.getOPT();
        if (clientOpt != null) {
            int flags = (clientOpt.getFlags() & Flags.DO) != 0 ? Flags.DO : 0;
            r.addRecord(new OPTRecord(advertisedPayload, rcode >>> 4, 0, flags), Section.ADDITIONAL);
        }
        h.setRcode(rcode & 0xf);
        if (q.getOpcode() != Opcode.QUERY) {
            h.unsetFlag(Flags.RA);
        }
        return r;
    }
}
