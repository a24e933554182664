package net.gate64.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;
import net.gate64.scripting.api.Pdns;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** dq as the resolver and a script see it, without an engine in between. */
class DnsQuestionTest {
    static DnsQuestion dq() {
        Header h = new Header(4242);
        h.setFlag(Flags.RD);
        return new DnsQuestion(Name.fromConstantString("www.example.org."), Type.AAAA, DClass.IN,
                ComboAddress.parse("192.0.2.1:5353"), ComboAddress.parse("192.0.2.53:53"), false, new DNSHeader(h),
                Map.of(10, new byte[] {1, 2, (byte) 200}), true);
    }

    @Test
    void addAnswerDefaultsToQnameAndAnHour() {
        DnsQuestion d = dq();
        d.addAnswer(Type.AAAA, "2001:db8::1");
        d.addAnswer(Type.TXT, "\"hello world\"", 60, "txt.example.org");
        d.addRecord(Type.SOA, "ns.example.org. admin.example.org. 1 2 3 4 5", Pdns.PLACE_AUTHORITY, 30, DNSName.parse("example.org"));
        List<ScriptRecord> r = d.records();
        assertEquals("www.example.org. 3600 AAAA 2001:db8::1", r.get(0).toString());
        assertEquals(Pdns.PLACE_ANSWER, r.get(0).place);
        assertEquals("txt.example.org.", r.get(1).name.toString());
        assertEquals(60, r.get(1).ttl);
        assertEquals(Pdns.PLACE_AUTHORITY, r.get(2).place);
        assertEquals(Type.SOA, r.get(2).toRecord().getType());
    }

    @Test
    void unparsableContentOrPlaceIsRefusedAtOnce() {
        DnsQuestion d = dq();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.addAnswer(Type.A, "not-an-address"));
        assertTrue(e.getMessage().contains("not-an-address"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.addRecord(Type.A, "192.0.2.1", 7));
        assertTrue(d.records().isEmpty());
    }

    @Test
    void getRecordsIsACopyAndSetRecordsReplaces() {
        DnsQuestion d = dq();
        d.addAnswer(Type.A, "192.0.2.1");
        d.addAnswer(Type.A, "192.0.2.2");
        List<ScriptRecord> copy = d.getRecords();
        copy.remove(0);
        assertEquals(2, d.records().size(), "changing the list does not change dq");
        copy.get(0).ttl = 5;
        copy.get(0).changeContent("192.0.2.9");
        d.setRecords(copy);
        assertEquals(List.of("www.example.org. 5 A 192.0.2.9"), d.records().stream().map(ScriptRecord::toString).toList());
        Record out = d.records().get(0).toRecord();
        assertEquals("192.0.2.9", ((ARecord) out).getAddress().getHostAddress());
        assertEquals(5, out.getTTL());
        assertThrows(IllegalArgumentException.class, () -> copy.get(0).changeContent("2001:db8::1"));
    }

    @Test
    void recordsFromTheResolverKeepTheirDataAndGiveAddresses() throws Exception {
        Record a = new ARecord(Name.fromConstantString("x.example."), DClass.IN, 300, java.net.InetAddress.getByName("192.0.2.5"));
        ScriptRecord r = ScriptRecord.of(a, Pdns.PLACE_ANSWER);
        assertEquals("192.0.2.5", r.getContent());
        assertEquals("192.0.2.5", r.getCA().toString());
        assertEquals(53, r.getCA().getPort());
        assertTrue(a == r.toRecord(), "unchanged records are handed back as they were");
        r.name = DNSName.parse("y.example");
        assertEquals("y.example.", r.toRecord().getName().toString());
    }

    @Test
    void prepareSetsTheStateForTheNextHook() {
        DnsQuestion d = dq();
        d.followupFunction = "getFakeAAAARecords";
        d.followupPrefix = "64:ff9b::";
        d.followupName = d.qname;
        d.variable = true;
        d.data = "kept";
        d.prepare(3, List.of(), Pdns.BOGUS);
        assertEquals(3, d.rcode);
        assertEquals(255, d.validationState);
        assertNull(d.followupFunction);
        assertNull(d.followupPrefix);
        assertNull(d.followupName);
        assertTrue(d.variable, "variable persists across hooks, as in PowerDNS");
        assertEquals("kept", d.data);
    }

    @Test
    void headerEdnsAndAddressesAreReadable() {
        DnsQuestion d = dq();
        assertTrue(d.getDH().getRD());
        assertFalse(d.getDH().getCD());
        assertEquals(4242, d.getDH().getID());
        assertTrue(d.getEDNSFlag("DO"));
        assertFalse(d.getEDNSFlag("XX"));
        assertEquals(List.of("DO"), d.getEDNSFlags());
        assertEquals(3, d.getEDNSOption(10).length());
        assertEquals(200, d.getEDNSOption(10).charAt(2));
        assertNull(d.getEDNSOption(8));
        assertEquals("192.0.2.1", d.remoteaddr.toString());
        assertEquals(5353, d.remoteaddr.getPort());
        assertEquals("192.0.2.53", d.localaddr.toString());
        assertEquals(Type.AAAA, d.qtype);
        assertEquals(DClass.IN, d.qclass);
        assertFalse(d.isTcp);
    }
}
