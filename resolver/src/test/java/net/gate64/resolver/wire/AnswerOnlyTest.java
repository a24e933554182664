package net.gate64.resolver.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Which upstream responses are read without their authority and additional sections, and that nothing else is. */
class AnswerOnlyTest {
    private static final Name QNAME = Name.fromConstantString("m1-abc.wild.bench.");
    private static final Name ZONE = Name.fromConstantString("wild.bench.");
    private static final Name NS = Name.fromConstantString("ns.wild.bench.");

    private static Record a(Name owner, String address) {
        try {
            return new ARecord(owner, DClass.IN, 60, InetAddress.getByName(address));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** An authoritative answer as NSD writes it: the A record, the zone's NS set, the NS name's address, OPT. */
    private static Message answer(Consumer<Message> change) {
        Message m = new Message(0x4242);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.addRecord(Record.newRecord(QNAME, Type.A, DClass.IN), Section.QUESTION);
        m.addRecord(a(QNAME, "192.0.2.1"), Section.ANSWER);
        m.addRecord(new NSRecord(ZONE, DClass.IN, 3600, NS), Section.AUTHORITY);
        m.addRecord(a(NS, "127.0.55.3"), Section.ADDITIONAL);
        m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        change.accept(m);
        return m;
    }

    @Test
    void aPositiveAnswerLosesItsAuthorityAndAdditionalSections() throws Exception {
        Message full = answer(m -> { });
        ByteBuffer b = ByteBuffer.wrap(full.toWire());
        assertTrue(AnswerOnly.trim(b, Type.A));
        Message cut = new Message(b);
        assertEquals(0x4242, cut.getHeader().getID());
        assertEquals(full.getQuestion(), cut.getQuestion());
        assertEquals(full.getSection(Section.ANSWER), cut.getSection(Section.ANSWER));
        assertEquals(List.of(), cut.getSection(Section.AUTHORITY));
        assertEquals(List.of(), cut.getSection(Section.ADDITIONAL));
        assertTrue(cut.getHeader().getFlag(Flags.AA));
        assertEquals(Rcode.NOERROR, cut.getRcode());
    }

    @Test
    void onlyTheMessageBetweenPositionAndLimitIsReadAndChanged() throws Exception {
        byte[] wire = answer(m -> { }).toWire();
        byte[] padded = new byte[wire.length + 20];
        java.util.Arrays.fill(padded, (byte) 0x55);
        System.arraycopy(wire, 0, padded, 7, wire.length);
        ByteBuffer b = ByteBuffer.wrap(padded).position(7).limit(7 + wire.length);
        assertTrue(AnswerOnly.trim(b, Type.A));
        assertEquals(7, b.position());
        Message cut = new Message(b);
        assertEquals(1, cut.getSection(Section.ANSWER).size());
        assertEquals(List.of(), cut.getSection(Section.ADDITIONAL));
        for (int i = 0; i < 7; i++) {
            assertEquals(0x55, padded[i], "byte " + i + " before the message");
        }
        ByteBuffer again = ByteBuffer.wrap(padded).position(7).limit(7 + wire.length);
        assertFalse(AnswerOnly.trim(again, Type.A), "trimmed twice");
    }

    /** Everything that is not a plain positive answer to its own question is left whole, byte for byte. */
    @Test
    void anythingElseIsLeftWhole() throws Exception {
        Name other = Name.fromConstantString("other.wild.bench.");
        SOARecord soa = new SOARecord(ZONE, DClass.IN, 3600, NS, Name.fromConstantString("h.wild.bench."), 1, 1, 1, 1, 60);
        List<Case> cases = List.of(
                new Case("NODATA", Type.A, m -> {
                    m.removeAllRecords(Section.ANSWER);
                    m.addRecord(soa, Section.AUTHORITY);
                }),
                new Case("NXDOMAIN", Type.A, m -> {
                    m.removeAllRecords(Section.ANSWER);
                    m.getHeader().setRcode(Rcode.NXDOMAIN);
                }),
                new Case("asked for another type", Type.AAAA, m -> { }),
                new Case("a CNAME, the chain may need the authority", Type.A, m -> {
                    m.removeAllRecords(Section.ANSWER);
                    m.addRecord(new CNAMERecord(QNAME, DClass.IN, 60, other), Section.ANSWER);
                    m.addRecord(a(other, "192.0.2.2"), Section.ANSWER);
                }),
                new Case("data for another name only", Type.A, m -> {
                    m.removeAllRecords(Section.ANSWER);
                    m.addRecord(a(other, "192.0.2.2"), Section.ANSWER);
                }),
                new Case("truncated", Type.A, m -> m.getHeader().setFlag(Flags.TC)),
                new Case("a query, not a response", Type.A, m -> m.getHeader().unsetFlag(Flags.QR)),
                new Case("SERVFAIL", Type.A, m -> m.getHeader().setRcode(Rcode.SERVFAIL)),
                new Case("BADVERS in the OPT", Type.A, m -> {
                    m.removeAllRecords(Section.ADDITIONAL);
                    m.addRecord(new OPTRecord(1232, 1, 0), Section.ADDITIONAL); // extended rcode 1: BADVERS (16)
                }),
                new Case("nothing behind the answer", Type.A, m -> {
                    m.removeAllRecords(Section.AUTHORITY);
                    m.removeAllRecords(Section.ADDITIONAL);
                }));
        for (Case c : cases) {
            byte[] wire = answer(c.change()).toWire();
            byte[] copy = wire.clone();
            ByteBuffer b = ByteBuffer.wrap(wire);
            assertFalse(AnswerOnly.trim(b, c.qtype()), c.name());
            assertArrayEquals(copy, wire, c.name());
            assertEquals(wire.length, b.limit(), c.name());
        }
    }

    @Test
    void malformedOrReadOnlyBytesAreLeftToTheFullParser() {
        byte[] wire = answer(m -> { }).toWire();
        for (int cut = 0; cut < wire.length; cut++) {
            byte[] shortened = java.util.Arrays.copyOf(wire, cut);
            byte[] copy = shortened.clone();
            assertFalse(AnswerOnly.trim(ByteBuffer.wrap(shortened), Type.A), "cut at " + cut);
            assertArrayEquals(copy, shortened);
        }
        byte[] trailing = java.util.Arrays.copyOf(wire, wire.length + 3);
        assertFalse(AnswerOnly.trim(ByteBuffer.wrap(trailing), Type.A), "bytes after the last record");
        assertFalse(AnswerOnly.trim(ByteBuffer.wrap(wire).asReadOnlyBuffer(), Type.A));
    }

    private record Case(String name, int qtype, Consumer<Message> change) {}
}
