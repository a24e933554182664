package net.gate64.resolver.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.Lookup;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class DnssecPolicyTest {
    private final Lookup plain = (n, t, b) -> null;
    private final Lookup validating = (n, t, b) -> null;

    @Test
    void whoGetsValidated() {
        DnssecPolicy validate = new DnssecPolicy(DnssecSettings.Mode.VALIDATE, plain, validating);
        assertSame(validating, validate.lookupFor(false, false, false));
        assertSame(plain, validate.lookupFor(true, false, true), "CD: the client validates");
        DnssecPolicy process = new DnssecPolicy(DnssecSettings.Mode.PROCESS, plain, validating);
        assertSame(plain, process.lookupFor(false, false, false));
        assertSame(validating, process.lookupFor(true, false, false));
        assertSame(validating, process.lookupFor(false, true, false));
        DnssecPolicy off = new DnssecPolicy(DnssecSettings.Mode.OFF, plain, null);
        assertSame(plain, off.lookupFor(true, true, false));
    }

    @Test
    void bogusBecomesServfailExceptInLogFail() throws Exception {
        Answer bogus = new Answer(Rcode.NOERROR, List.of(a()), List.of(), Security.BOGUS, new Answer.Ede(7, "expired"));
        Answer failed = new DnssecPolicy(DnssecSettings.Mode.VALIDATE, plain, validating).finish(bogus);
        assertEquals(Rcode.SERVFAIL, failed.rcode());
        assertTrue(failed.answer().isEmpty());
        assertEquals(7, failed.ede().code());
        assertSame(bogus, new DnssecPolicy(DnssecSettings.Mode.LOG_FAIL, plain, validating).finish(bogus));
    }

    @Test
    void adOnlyOnSecureForClientsThatAsk() throws Exception {
        Answer secure = new Answer(Rcode.NOERROR, List.of(a()), List.of(), Security.SECURE);
        assertTrue(DnssecPolicy.authenticData(secure, true, false));
        assertTrue(DnssecPolicy.authenticData(secure, false, true));
        assertFalse(DnssecPolicy.authenticData(secure, false, false));
        assertFalse(DnssecPolicy.authenticData(secure.withSecurity(Security.INSECURE, null), true, true));
    }

    @Test
    void dnssecRecordsOnlyForDoClientsOrWhenAskedFor() throws Exception {
        Name n = Name.fromConstantString("www.example.");
        RRSIGRecord sig = new RRSIGRecord(n, DClass.IN, 300, Type.A, 13, 300, Instant.now().plusSeconds(60),
                Instant.now(), 1, Name.fromConstantString("example."), new byte[64]);
        NSECRecord nsec = new NSECRecord(n, DClass.IN, 300, n, new int[] {Type.A});
        List<Record> records = List.of(a(), sig, nsec);
        assertEquals(List.of(a()), DnssecPolicy.forClient(records, false, Type.A));
        assertSame(records, DnssecPolicy.forClient(records, true, Type.A));
        assertEquals(List.of(a(), nsec), DnssecPolicy.forClient(records, false, Type.NSEC));
    }

    private static ARecord a() throws Exception {
        return new ARecord(Name.fromConstantString("www.example."), DClass.IN, 300, InetAddress.getByName("192.0.2.1"));
    }
}
