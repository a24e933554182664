package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.lab.LabHierarchy;
import net.gate64.resolver.lab.SignedLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DNSSEC validation against a hierarchy signed at start-up ({@link SignedLab}: 127.0.56.1-3, port 53), with the lab
 * root's DS as the only trust anchor. Every zone case, every client flag combination that changes the outcome, the
 * DNS64 rules of RFC 6147 §5.5 and the work limits. Needs port 53 (root in CI); skipped with a message otherwise.
 */
@Requires(what = "the DNSSEC end-to-end tests (the signed lab on 127.0.56.x:53)", port53 = true,
        exclusive = "127.0.56")
class DnssecEndToEndTest {
    static SignedLab lab;
    static Path hints;
    static Recursor validating;

    @BeforeAll
    static void start() throws Exception {
        lab = SignedLab.start("127.0.56", 53);
        hints = lab.writeHints(Files.createTempFile("signed", ".hints"));
        validating = recursor("dnssec=validate");
    }

    @AfterAll
    static void stop() {
        if (validating != null) {
            validating.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    static Recursor recursor(String... extra) throws Exception {
        List<String> o = new ArrayList<>(List.of("local-address=[\"127.0.0.1:0\"]", "webserver=false", "threads=1",
                "hint-file=\"" + hints + "\"", "dont-query=[]", "network-timeout=1000",
                "trust-anchors={\".\"=[\"" + lab.rootAnchor() + "\"]}", "dns64-prefix=\"64:ff9b::/96\""));
        o.addAll(List.of(extra));
        return Recursor.start(SettingsLoader.load(null, o));
    }

    /** A query with the given flags: "do" (EDNS DO), "ad", "cd". */
    static Message ask(Recursor r, String name, int type, String... flags) throws Exception {
        List<String> f = List.of(flags);
        Message q = new Message();
        q.getHeader().setFlag(Flags.RD);
        if (f.contains("ad")) {
            q.getHeader().setFlag(Flags.AD);
        }
        if (f.contains("cd")) {
            q.getHeader().setFlag(Flags.CD);
        }
        q.addRecord(Record.newRecord(Name.fromConstantString(name), type, DClass.IN), Section.QUESTION);
        q.addRecord(new OPTRecord(1232, 0, 0, f.contains("do") ? Flags.DO : 0), Section.ADDITIONAL);
        SimpleResolver client = new SimpleResolver(r.dnsAddresses().get(0));
        client.setTimeout(Duration.ofSeconds(10));
        client.setTCP(true);
        return client.send(q);
    }

    static boolean ad(Message m) {
        return m.getHeader().getFlag(Flags.AD);
    }

    static boolean hasType(Message m, int section, int type) {
        return m.getSection(section).stream().anyMatch(r -> r.getType() == type);
    }

    static Integer ede(Message m) {
        if (m.getOPT() == null) {
            return null;
        }
        for (EDNSOption o : m.getOPT().getOptions()) {
            if (o instanceof ExtendedErrorCodeOption e) {
                return e.getErrorCode();
            }
        }
        return null;
    }

    long metric(Recursor r, String name, String... labels) {
        return r.metrics().value(name, labels);
    }

    // ---- The matrix: every lab zone's state against every client flag that matters ----

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> matrix() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        for (String z : List.of("secure", "ed", "nsec3", "optout", "iter")) {
            out.add(org.junit.jupiter.params.provider.Arguments.of("www." + z + ".test.", "secure"));
        }
        for (String z : List.of("insecure", "child.optout", "unsupported")) {
            out.add(org.junit.jupiter.params.provider.Arguments.of("www." + z + ".test.", "insecure"));
        }
        for (String z : List.of("expired", "badds", "nosig")) {
            out.add(org.junit.jupiter.params.provider.Arguments.of("www." + z + ".test.", "bogus"));
        }
        return out.stream();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} is {1}")
    @org.junit.jupiter.params.provider.MethodSource("matrix")
    void stateAndFlags(String name, String state) throws Exception {
        int expected = state.equals("bogus") ? Rcode.SERVFAIL : Rcode.NOERROR;
        Message none = ask(validating, name, Type.A);
        assertEquals(expected, none.getRcode(), "no flags");
        assertFalse(ad(none), "no flags: never AD");
        Message dnssec = ask(validating, name, Type.A, "do");
        assertEquals(expected, dnssec.getRcode(), "+dnssec");
        assertEquals(state.equals("secure"), ad(dnssec), "+dnssec: AD exactly when Secure");
        Message adflag = ask(validating, name, Type.A, "ad");
        assertEquals(expected, adflag.getRcode(), "+adflag");
        assertEquals(state.equals("secure"), ad(adflag), "+adflag: AD exactly when Secure");
        Message cd = ask(validating, name, Type.A, "do", "cd");
        assertEquals(Rcode.NOERROR, cd.getRcode(), "+cd: the data, whatever its state");
        assertTrue(hasType(cd, Section.ANSWER, Type.A));
        if (state.equals("bogus")) {
            assertNotNull(ede(dnssec), "Bogus carries an Extended DNS Error");
        }
    }

    // ---- Secure ----

    @Test
    void secureAnswerGetsAdOnlyWhenAsked() throws Exception {
        Message plain = ask(validating, "www.secure.test.", Type.A);
        assertEquals(Rcode.NOERROR, plain.getRcode());
        assertFalse(ad(plain), "no DO, no AD: the client did not ask");
        assertFalse(hasType(plain, Section.ANSWER, Type.RRSIG), "no DO: no RRSIG");

        Message withDo = ask(validating, "www.secure.test.", Type.A, "do");
        assertTrue(ad(withDo));
        assertTrue(hasType(withDo, Section.ANSWER, Type.RRSIG), "DO: RRSIGs come along");

        Message withAd = ask(validating, "www.secure.test.", Type.A, "ad");
        assertTrue(ad(withAd));
        assertFalse(hasType(withAd, Section.ANSWER, Type.RRSIG));
    }

    @Test
    void secureDenialsCnamesAndWildcards() throws Exception {
        Message nx = ask(validating, "nothing.secure.test.", Type.A, "do");
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        assertTrue(ad(nx), "NXDOMAIN proven by NSEC");
        assertTrue(hasType(nx, Section.AUTHORITY, Type.NSEC));

        Message nodata = ask(validating, "www.secure.test.", Type.TXT, "do");
        assertEquals(Rcode.NOERROR, nodata.getRcode());
        assertTrue(ad(nodata), "NODATA proven by NSEC");

        Message cname = ask(validating, "alias.secure.test.", Type.A, "do");
        assertTrue(ad(cname));
        assertTrue(hasType(cname, Section.ANSWER, Type.CNAME));

        Message wild = ask(validating, "anything.wild.secure.test.", Type.A, "do");
        assertEquals(Rcode.NOERROR, wild.getRcode());
        assertTrue(ad(wild), "wildcard expansion with its NSEC proof");

        Message ent = ask(validating, "ent.secure.test.", Type.A, "do");
        assertEquals(Rcode.NOERROR, ent.getRcode());
        assertTrue(ad(ent), "empty non-terminal NODATA");
    }

    @Test
    void ed25519AndNsec3ZonesAreSecure() throws Exception {
        assertTrue(ad(ask(validating, "www.ed.test.", Type.A, "do")));
        Message www = ask(validating, "www.nsec3.test.", Type.A, "do");
        assertTrue(ad(www));
        Message nx = ask(validating, "nothing.nsec3.test.", Type.A, "do");
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        assertTrue(ad(nx), "NXDOMAIN proven by NSEC3 closest-encloser proof");
        assertTrue(hasType(nx, Section.AUTHORITY, Type.NSEC3));
        Message nodata = ask(validating, "www.nsec3.test.", Type.TXT, "do");
        assertTrue(ad(nodata));
        assertTrue(ad(ask(validating, "anything.wild.nsec3.test.", Type.A, "do")), "wildcard with NSEC3 proof");
        assertTrue(ad(ask(validating, "www.optout.test.", Type.A, "do")), "signed data in an opt-out zone");
        Message optedOut = ask(validating, "nothing.optout.test.", Type.A, "do");
        assertEquals(Rcode.NXDOMAIN, optedOut.getRcode());
        assertFalse(ad(optedOut), "NXDOMAIN covered by an opt-out NSEC3 cannot be Secure (RFC 5155 §9.2)");
    }

    // ---- Insecure ----

    @Test
    void insecureZonesAnswerWithoutAd() throws Exception {
        for (String name : List.of("www.insecure.test.", "www.child.optout.test.", "www.unsupported.test.")) {
            Message m = ask(validating, name, Type.A, "do");
            assertEquals(Rcode.NOERROR, m.getRcode(), name);
            assertFalse(ad(m), name + " is Insecure");
            assertEquals(1, m.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.A).count(), name);
        }
    }

    @Test
    void nsec3AboveTheIterationCapIsInsecureAndCounted() throws Exception {
        long before = metric(validating, "gate64_limit_hits_total", "limit", "nsec3-iterations");
        Message nx = ask(validating, "nothing.iter.test.", Type.A, "do");
        assertEquals(Rcode.NXDOMAIN, nx.getRcode(), "RFC 9276: treated as Insecure, not Bogus");
        assertFalse(ad(nx));
        assertTrue(metric(validating, "gate64_limit_hits_total", "limit", "nsec3-iterations") > before);
        assertTrue(ad(ask(validating, "www.iter.test.", Type.A, "do")), "positive answers there still validate");
    }

    // ---- Bogus ----

    @Test
    void bogusZonesAreServfailWithExtendedError() throws Exception {
        long before = metric(validating, "gate64_dnssec_results_total", "state", "bogus");
        for (String name : List.of("www.expired.test.", "www.badds.test.", "www.nosig.test.")) {
            Message m = ask(validating, name, Type.A);
            assertEquals(Rcode.SERVFAIL, m.getRcode(), name + " must be Bogus even without DO in validate mode");
            assertNotNull(ede(m), name + " carries an Extended DNS Error");
            assertTrue(m.getSection(Section.ANSWER).isEmpty());
        }
        Message forged = ask(validating, "nothing.forged.test.", Type.A, "do");
        assertEquals(Rcode.SERVFAIL, forged.getRcode(), "a denial whose NSEC was altered is Bogus");
        assertTrue(metric(validating, "gate64_dnssec_results_total", "state", "bogus") >= before + 4);
        int code = ede(ask(validating, "www.expired.test.", Type.A, "do"));
        assertTrue(code == ExtendedErrorCodeOption.DNSSEC_BOGUS || code == ExtendedErrorCodeOption.SIGNATURE_EXPIRED,
                "EDE 6 or 7 for expired signatures, was " + code);
    }

    @Test
    void checkingDisabledGetsTheBogusDataUnjudged() throws Exception {
        Message m = ask(validating, "www.expired.test.", Type.A, "do", "cd");
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertFalse(ad(m));
        assertTrue(hasType(m, Section.ANSWER, Type.A));
    }

    // ---- DNS64 (RFC 6147 §5.5) ----

    @Test
    void dns64SynthesisesFromSecureDataAndSetsAdOnlyWhenBothAreSecure() throws Exception {
        Message m = ask(validating, "v4only.secure.test.", Type.AAAA, "do");
        assertEquals(Rcode.NOERROR, m.getRcode());
        AAAARecord aaaa = (AAAARecord) m.getSection(Section.ANSWER).stream().filter(r -> r instanceof AAAARecord).findFirst().orElseThrow();
        assertEquals("64:ff9b:0:0:0:0:c000:202", aaaa.getAddress().getHostAddress());
        assertTrue(ad(m), "denial and A both Secure");
        assertFalse(hasType(m, Section.ANSWER, Type.RRSIG), "no signature can cover a synthesised record");

        Message insecure = ask(validating, "v4only.insecure.test.", Type.AAAA, "do");
        assertTrue(insecure.getSection(Section.ANSWER).stream().anyMatch(r -> r instanceof AAAARecord));
        assertFalse(ad(insecure));
    }

    @Test
    void dns64NeverSynthesisesFromBogusData() throws Exception {
        long before = metric(validating, "gate64_dns64_skipped_total", "reason", "bogus");
        Message forgedDenial = ask(validating, "v4only.forged.test.", Type.AAAA);
        assertEquals(Rcode.SERVFAIL, forgedDenial.getRcode(), "the AAAA denial is forged: no synthesis");
        Message bogusA = ask(validating, "v4only.nosig.test.", Type.AAAA);
        assertEquals(Rcode.SERVFAIL, bogusA.getRcode(), "the A RRset is unsigned in a signed zone: no synthesis");
        assertTrue(metric(validating, "gate64_dns64_skipped_total", "reason", "bogus") >= before + 2);
    }

    @Test
    void dns64LeavesDoCdClientsToSynthesiseThemselves() throws Exception {
        Message m = ask(validating, "v4only.secure.test.", Type.AAAA, "do", "cd");
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertFalse(m.getSection(Section.ANSWER).stream().anyMatch(r -> r instanceof AAAARecord), "DO+CD: no synthesis");
        assertTrue(hasType(m, Section.AUTHORITY, Type.NSEC), "the denial is returned for the client to validate");
    }

    // ---- Modes, negative trust anchors, limits ----

    @Test
    void processModeValidatesOnlyForClientsThatAsk() throws Exception {
        try (Recursor r = recursor("dnssec=process")) {
            assertEquals(Rcode.NOERROR, ask(r, "www.expired.test.", Type.A).getRcode(), "not validated without DO/AD");
            assertEquals(Rcode.SERVFAIL, ask(r, "www.expired.test.", Type.A, "do").getRcode());
            assertTrue(ad(ask(r, "www.secure.test.", Type.A, "ad")));
        }
    }

    @Test
    void logFailAnswersBogusDataWithoutAd() throws Exception {
        try (Recursor r = recursor("dnssec=log-fail")) {
            Message m = ask(r, "www.expired.test.", Type.A, "do");
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertFalse(ad(m));
            assertTrue(r.metrics().value("gate64_dnssec_results_total", "state", "bogus") >= 1);
        }
    }

    @Test
    void processNoValidateAndOffNeverSetAd() throws Exception {
        try (Recursor r = recursor("dnssec=process-no-validate")) {
            Message m = ask(r, "www.secure.test.", Type.A, "do");
            assertFalse(ad(m));
            assertTrue(hasType(m, Section.ANSWER, Type.RRSIG), "records passed through to a DO client");
        }
        try (Recursor r = recursor("dnssec=off")) {
            Message m = ask(r, "www.secure.test.", Type.A, "do");
            assertFalse(ad(m));
            assertFalse(hasType(m, Section.ANSWER, Type.RRSIG), "off: no DO upstream, so no signatures at all");
            assertEquals(Rcode.NOERROR, ask(r, "www.expired.test.", Type.A).getRcode());
        }
    }

    @Test
    void negativeTrustAnchorTurnsBogusIntoInsecure() throws Exception {
        try (Recursor r = recursor("negative-trust-anchors={\"expired.test\"=\"signatures expired, ticket 42\"}")) {
            Message m = ask(r, "www.expired.test.", Type.A, "do");
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertFalse(ad(m));
            assertTrue(ad(ask(r, "www.secure.test.", Type.A, "do")), "other zones still validate");
        }
    }

    /** Scripts see the validator's verdict in dq.validationState, compared with pdns.validationstates. */
    @Test
    void scriptsSeeTheValidationState(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path script = dir.resolve("state.lua");
        Files.writeString(script, """
                function postresolve(dq)
                  if dq.qtype ~= pdns.A then return false end
                  local s = "other"
                  if dq.validationState == pdns.validationstates.Secure then s = "secure"
                  elseif dq.validationState == pdns.validationstates.Insecure then s = "insecure"
                  elseif dq.validationState == pdns.validationstates.Bogus then s = "bogus" end
                  dq:addAnswer(pdns.TXT, '"' .. s .. '"', 60)
                  return true
                end
                """);
        // log-fail answers Bogus data, so postresolve runs for it too
        try (Recursor r = recursor("dnssec=log-fail", "lua-dns-script=\"" + script + "\"")) {
            assertEquals("secure", txt(ask(r, "www.secure.test.", Type.A)));
            assertEquals("insecure", txt(ask(r, "www.insecure.test.", Type.A)));
            assertEquals("bogus", txt(ask(r, "www.expired.test.", Type.A)));
        }
    }

    private static String txt(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(x -> x.getType() == Type.TXT)
                .map(x -> x.rdataToString().replace("\"", "")).findFirst().orElse("none: " + m);
    }

    @Test
    void wrongTrustAnchorMakesEverythingBogus() throws Exception {
        try (Recursor r = recursor("trust-anchors={\".\"=[\"12345 13 2 " + "AB".repeat(32) + "\"]}")) {
            assertEquals(Rcode.SERVFAIL, ask(r, "www.secure.test.", Type.A).getRcode());
        }
    }

    /** KeyTrap (CVE-2023-50387): signatures tried per RRset are bounded; a zone needing more is Bogus. */
    @Test
    void rrsigsTriedPerRecordAreBounded() throws Exception {
        assertEquals(Rcode.SERVFAIL, ask(validating, "www.keytrap.test.", Type.A).getRcode(),
                "the valid signature is the fourth: beyond max-rrsigs-per-record = 2");
        try (Recursor r = recursor("max-rrsigs-per-record=4")) {
            assertTrue(ad(ask(r, "www.keytrap.test.", Type.A, "do")), "with room for four tries it validates");
        }
    }

    /**
     * DNSKEYs that share the DS's key tag but do not match it are bounded too (KeyTrap's colliding tags): five come
     * before the real key, beyond max-ds-match-failures = 4, so the chain stops there. (Raising the limit gets past
     * the DS step, but dnsjava's check of the data then fails on the decoys too, so the zone is Bogus either way.)
     */
    @Test
    void collidingKeyTagsAreBounded() throws Exception {
        Message m = ask(validating, "manyds.test.", Type.DNSKEY, "do");
        assertEquals(Rcode.SERVFAIL, m.getRcode());
        assertNotNull(ede(m));
    }

    /** The SERVFAIL for a large Bogus RRset fits a UDP packet: the EDE text is kept short. */
    @Test
    void bogusAnswersFitUdp() throws Exception {
        Message q = new Message();
        q.getHeader().setFlag(Flags.RD);
        q.addRecord(Record.newRecord(Name.fromConstantString("manyds.test."), Type.DNSKEY, DClass.IN), Section.QUESTION);
        q.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
        SimpleResolver udp = new SimpleResolver(validating.dnsAddresses().get(0));
        udp.setTimeout(Duration.ofSeconds(10));
        udp.setIgnoreTruncation(true);
        Message m = udp.send(q);
        assertEquals(Rcode.SERVFAIL, m.getRcode());
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertNotNull(ede(m));
    }

    @Test
    void validationSubqueryLimitEndsInServfailAndIsCounted() throws Exception {
        try (Recursor r = recursor("dnssec-max-subqueries=1")) {
            assertEquals(Rcode.SERVFAIL, ask(r, "www.secure.test.", Type.A).getRcode());
            assertEquals(1, r.metrics().value("gate64_limit_hits_total", "limit", "dnssec-subqueries"));
        }
    }
}
