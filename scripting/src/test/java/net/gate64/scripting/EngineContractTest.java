package net.gate64.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Header;

/**
 * What every engine must do with the PowerDNS hook contract: return rules, the dq fields and methods seen from the
 * script, errors with file:line, bounded runaway hooks, isolation between instances. Each test is written once per
 * language and run by the {@link Lua} and {@link JavaScript} classes.
 */
class EngineContractTest {
    /** Records what the engine reported, as the resolver's metrics would. */
    static final class Events implements ScriptEvents {
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final List<String> timeouts = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void error(Hook hook, String message) {
            errors.add(hook.function() + " " + message);
        }

        @Override
        public void timeout(Hook hook, String message) {
            timeouts.add(hook.function() + " " + message);
        }
    }

    abstract static class Contract {
        final Events events = new Events();
        final List<ScriptHooks> opened = new ArrayList<>();

        abstract Scripts.Language language();

        abstract String file();

        ScriptHooks load(String lua, String js) {
            return load(lua, js, Duration.ofSeconds(3)); // generous: a cold context on a busy CI machine is slow
        }

        ScriptHooks load(String lua, String js, Duration timeout) {
            ScriptHooks h = Scripts.fromSource(file(), language() == Scripts.Language.LUA ? lua : js, language(),
                    new ScriptOptions(timeout, 4), events);
            opened.add(h);
            return h;
        }

        @AfterEach
        void close() {
            opened.forEach(ScriptHooks::close);
        }

        @Test
        void returnValuesFollowPowerDns() {
            ScriptHooks h = load("""
                    function preresolve(dq) return true end
                    function nodata(dq) return false end
                    function nxdomain(dq) end
                    """, """
                    function preresolve(dq) { return true; }
                    function nodata(dq) { return false; }
                    function nxdomain(dq) { }
                    """);
            assertTrue(h.call(Hook.PRERESOLVE, DnsQuestionTest.dq()));
            assertFalse(h.call(Hook.NODATA, DnsQuestionTest.dq()));
            assertFalse(h.call(Hook.NXDOMAIN, DnsQuestionTest.dq()), "no return value is false");
            assertFalse(h.call(Hook.POSTRESOLVE, DnsQuestionTest.dq()), "an absent hook is false");
            assertTrue(h.defines(Hook.NODATA));
            assertFalse(h.defines(Hook.POSTRESOLVE));
            assertTrue(events.errors.isEmpty());
        }

        @Test
        void dqFieldsAndMethodsFromTheScript() {
            ScriptHooks h = load("""
                    function preresolve(dq)
                      assert(dq.qname:equal("www.example.org"))
                      assert(dq.qname:isPartOf(newDN("example.org")))
                      assert(dq.qtype == pdns.AAAA and dq.qclass == 1)
                      assert(dq.remoteaddr:toString() == "192.0.2.1" and dq.remoteaddr:getPort() == 5353)
                      assert(dq.localaddr:toStringWithPort() == "192.0.2.53:53")
                      assert(dq.isTcp == false and dq.rcode == 0 and dq.validationState == pdns.validationstates.Indeterminate)
                      assert(dq:getDH():getID() == 4242 and dq:getDH():getRD())
                      assert(dq:getEDNSFlag("DO"))
                      assert(#dq:getEDNSOption(10) == 3 and dq:getEDNSOption(10):byte(3) == 200)
                      assert(tostring(dq.qname) == "www.example.org.")
                      assert(dq.qname == newDN("WWW.example.org."))
                      dq.qname = newDN("ignored.example")
                      dq.rcode = pdns.NXDOMAIN
                      dq.variable = true
                      dq.followupFunction = "getFakeAAAARecords"
                      dq.followupPrefix = "64:ff9b::"
                      dq.followupName = newDN("target.example")
                      dq:addAnswer(pdns.AAAA, "2001:db8::1", 60)
                      dq:addRecord(pdns.SOA, "ns.example. admin.example. 1 2 3 4 5", pdns.place.AUTHORITY)
                      return true
                    end
                    """, """
                    function preresolve(dq) {
                      const check = (c, what) => { if (!c) throw new Error("failed: " + what); };
                      check(dq.qname.equal("www.example.org"), "equal");
                      check(dq.qname.isPartOf(newDN("example.org")), "isPartOf");
                      check(dq.qtype === pdns.AAAA && dq.qclass === 1, "qtype");
                      check(dq.remoteaddr.toString() === "192.0.2.1" && dq.remoteaddr.getPort() === 5353, "remote");
                      check(dq.localaddr.toStringWithPort() === "192.0.2.53:53", "local");
                      check(dq.isTcp === false && dq.rcode === 0 && dq.validationState === pdns.validationstates.Indeterminate, "state");
                      check(dq.getDH().getID() === 4242 && dq.getDH().getRD(), "header");
                      check(dq.getEDNSFlag("DO"), "DO");
                      check(dq.getEDNSOption(10).length === 3 && dq.getEDNSOption(10).charCodeAt(2) === 200, "option");
                      check(String(dq.qname) === "www.example.org.", "String()");
                      dq.rcode = pdns.NXDOMAIN;
                      dq.variable = true;
                      dq.followupFunction = "getFakeAAAARecords";
                      dq.followupPrefix = "64:ff9b::";
                      dq.followupName = newDN("target.example");
                      dq.addAnswer(pdns.AAAA, "2001:db8::1", 60);
                      dq.addRecord(pdns.SOA, "ns.example. admin.example. 1 2 3 4 5", pdns.place.AUTHORITY);
                      return true;
                    }
                    """);
            DnsQuestion dq = DnsQuestionTest.dq();
            assertTrue(h.call(Hook.PRERESOLVE, dq), events.errors.toString());
            assertEquals("www.example.org.", dq.qname.toString(), "qname assignments are ignored, as in PowerDNS");
            assertEquals(3, dq.rcode);
            assertTrue(dq.variable);
            assertEquals("getFakeAAAARecords", dq.followupFunction);
            assertEquals("64:ff9b::", dq.followupPrefix);
            assertEquals("target.example.", dq.followupName.toString());
            assertEquals(List.of("www.example.org. 60 AAAA 2001:db8::1", "www.example.org. 3600 SOA ns.example. admin.example. 1 2 3 4 5"),
                    dq.records().stream().map(ScriptRecord::toString).toList());
            assertEquals(2, dq.records().get(1).place);
        }

        @Test
        void postresolveRewritesRecords() {
            ScriptHooks h = load("""
                    function postresolve(dq)
                      local out = {}
                      for _, r in ipairs(dq:getRecords()) do
                        if r.type == pdns.A then
                          if r:getContent() == "192.0.2.1" then r:changeContent("192.0.2.100") end
                          r.ttl = 7
                          out[#out + 1] = r
                        end
                      end
                      dq:setRecords(out)
                      return true
                    end
                    """, """
                    function postresolve(dq) {
                      const out = [];
                      for (const r of dq.getRecords()) {
                        if (r.type === pdns.A) {
                          if (r.getContent() === "192.0.2.1") r.changeContent("192.0.2.100");
                          r.ttl = 7;
                          out.push(r);
                        }
                      }
                      dq.setRecords(out);
                      return true;
                    }
                    """);
            DnsQuestion dq = DnsQuestionTest.dq();
            dq.prepare(0, List.of(rec("192.0.2.1"), txt(), rec("192.0.2.2")), 0);
            assertTrue(h.call(Hook.POSTRESOLVE, dq), events.errors.toString());
            assertEquals(List.of("www.example.org. 7 A 192.0.2.100", "www.example.org. 7 A 192.0.2.2"),
                    dq.records().stream().map(ScriptRecord::toString).toList());
        }

        static ScriptRecord rec(String a) {
            return new ScriptRecord(net.gate64.scripting.api.DNSName.parse("www.example.org"), 1, 300, 1, a);
        }

        static ScriptRecord txt() {
            return new ScriptRecord(net.gate64.scripting.api.DNSName.parse("www.example.org"), 16, 300, 1, "\"x\"");
        }

        @Test
        void ipfilterSeesAddressesAndHeader() {
            ScriptHooks h = load("""
                    local bad = newNMG()
                    bad:addMask("192.0.2.0/24")
                    function ipfilter(remote, loc, dh) return bad:match(remote) and loc:getPort() == 53 and dh:getRD() end
                    """, """
                    const bad = newNMG();
                    bad.addMask("192.0.2.0/24");
                    function ipfilter(remote, loc, dh) { return bad.match(remote) && loc.getPort() === 53 && dh.getRD(); }
                    """);
            Header rd = new Header(1);
            rd.setFlag(org.xbill.DNS.Flags.RD);
            assertTrue(h.ipfilter(ComboAddress.parse("192.0.2.9"), ComboAddress.parse("127.0.0.1:53"), new DNSHeader(rd)));
            assertFalse(h.ipfilter(ComboAddress.parse("198.51.100.9"), ComboAddress.parse("127.0.0.1:53"), new DNSHeader(rd)));
            assertFalse(h.ipfilter(ComboAddress.parse("192.0.2.9"), ComboAddress.parse("127.0.0.1:53"), new DNSHeader(new Header(1))));
        }

        @Test
        void gettagReturnsTheTagAndErrorsGiveZero() {
            ScriptHooks h = load("""
                    function gettag(remote, ecs, loc, qname, qtype, opts, tcp)
                      if qname:equal("boom.example") then error("no") end
                      if qname:equal("x.example") and qtype == pdns.AAAA and not tcp and remote:toString() == "192.0.2.1"
                         and loc:getPort() == 53 and ecs == nil then
                        return 7
                      end
                      return 0
                    end
                    """, """
                    function gettag(remote, ecs, loc, qname, qtype, opts, tcp) {
                      if (qname.equal("boom.example")) throw new Error("no");
                      return (qname.equal("x.example") && qtype === pdns.AAAA && !tcp && remote.toString() === "192.0.2.1"
                          && loc.getPort() === 53 && ecs === null) ? 7 : 0;
                    }
                    """);
            ComboAddress remote = ComboAddress.parse("192.0.2.1");
            ComboAddress local = ComboAddress.parse("127.0.0.1:53");
            assertEquals(7, h.gettag(remote, local, net.gate64.scripting.api.DNSName.parse("x.example"), 28, false));
            assertEquals(0, h.gettag(remote, local, net.gate64.scripting.api.DNSName.parse("y.example"), 28, false));
            assertEquals(0, h.gettag(remote, local, net.gate64.scripting.api.DNSName.parse("x.example"), 28, true));
            assertEquals(0, h.gettag(remote, local, net.gate64.scripting.api.DNSName.parse("boom.example"), 28, false));
            assertEquals(1, events.errors.size(), "PowerDNS: an error in gettag gives tag 0");
        }

        @Test
        void runtimeErrorIsFalseAndReportedWithFileAndLine() {
            ScriptHooks h = load("""
                    function preresolve(dq)
                      dq.rcode = 5

                      error("deliberate")
                    end
                    """, """
                    function preresolve(dq) {
                      dq.rcode = 5;

                      throw new Error("deliberate");
                    }
                    """);
            assertFalse(h.call(Hook.PRERESOLVE, DnsQuestionTest.dq()));
            assertEquals(1, events.errors.size(), "timeouts: " + events.timeouts);
            assertTrue(events.errors.get(0).startsWith("preresolve " + file() + ":4: "), events.errors.get(0));
            assertTrue(events.errors.get(0).contains("deliberate"), events.errors.get(0));
            assertTrue(h.call(Hook.PRERESOLVE, DnsQuestionTest.dq()) == false && events.errors.size() == 2,
                    "the instance stays usable");
        }

        @Test
        void apiMisuseIsAnErrorAtTheScriptLine() {
            ScriptHooks h = load("""
                    function preresolve(dq)
                      dq:addAnswer(pdns.A, "not-an-address")
                      return true
                    end
                    """, """
                    function preresolve(dq) {
                      dq.addAnswer(pdns.A, "not-an-address");
                      return true;
                    }
                    """);
            assertFalse(h.call(Hook.PRERESOLVE, DnsQuestionTest.dq()));
            assertEquals(1, events.errors.size(), "timeouts: " + events.timeouts);
            assertTrue(events.errors.get(0).startsWith("preresolve " + file() + ":2: "), events.errors.get(0));
            assertTrue(events.errors.get(0).contains("not-an-address"), events.errors.get(0));
        }

        @Test
        void syntaxErrorRefusesToLoadNamingFileAndLine() {
            ScriptLoadError e = assertThrows(ScriptLoadError.class, () -> load("""
                    function preresolve(dq)
                      return true
                    end
                    end
                    """, """
                    function preresolve(dq) {
                      return true;
                    }
                    }
                    """));
            assertTrue(e.getMessage().startsWith(file() + ":4"), e.getMessage());
        }

        @Test
        void errorInTheTopLevelRefusesToLoad() {
            ScriptLoadError e = assertThrows(ScriptLoadError.class, () -> load("""
                    local x = newNetmask("10.0.0.0/33")
                    """, """
                    const x = newNetmask("10.0.0.0/33");
                    """));
            assertTrue(e.getMessage().startsWith(file() + ":1"), e.getMessage());
        }

        @Test
        void runawayHookIsStoppedAndTheNextCallWorks() {
            ScriptHooks h = load("""
                    function preresolve(dq)
                      if dq.qtype == pdns.AAAA then
                        while true do end
                      end
                      return true
                    end
                    """, """
                    function preresolve(dq) {
                      if (dq.qtype === pdns.AAAA) {
                        while (true) {}
                      }
                      return true;
                    }
                    """, Duration.ofMillis(100));
            long start = System.nanoTime();
            assertFalse(h.call(Hook.PRERESOLVE, DnsQuestionTest.dq()));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis >= 100 && tookMillis < 2000, "stopped near the 100 ms budget, took " + tookMillis);
            assertEquals(1, events.timeouts.size());
            assertTrue(h.call(Hook.PRERESOLVE, aQuestion()), "a fresh instance serves the next call");
        }

        static DnsQuestion aQuestion() {
            return new DnsQuestion(org.xbill.DNS.Name.fromConstantString("www.example.org."), org.xbill.DNS.Type.A, 1,
                    ComboAddress.parse("192.0.2.1"), ComboAddress.parse("192.0.2.53"), false, new DNSHeader(new Header(1)),
                    java.util.Map.of(), false);
        }

        @Test
        void instancesDoNotShareGlobalsAndServeManyThreads() throws Exception {
            ScriptHooks h = load("""
                    counter = 0
                    function preresolve(dq)
                      counter = counter + 1
                      dq.tag = counter
                      return true
                    end
                    """, """
                    var counter = 0;
                    function preresolve(dq) {
                      counter = counter + 1;
                      dq.tag = counter;
                      return true;
                    }
                    """);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> tags = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    tags.add(pool.submit(() -> {
                        DnsQuestion dq = DnsQuestionTest.dq();
                        assertTrue(h.call(Hook.PRERESOLVE, dq));
                        return dq.tag;
                    }));
                }
                int max = 0;
                for (Future<Integer> t : tags) {
                    max = Math.max(max, t.get());
                }
                assertTrue(max <= 400 && max >= 100, "at most 4 instances, each counting its own calls: " + max);
            }
            assertTrue(events.errors.isEmpty(), events.errors.toString());
        }
    }

    @Nested
    class Lua extends Contract {
        @Override
        Scripts.Language language() {
            return Scripts.Language.LUA;
        }

        @Override
        String file() {
            return "test.lua";
        }

        @Test
        void pcallCannotSwallowTheTimeout() {
            ScriptHooks h = load("""
                    function preresolve(dq)
                      while true do pcall(function() while true do end end) end
                    end
                    """, null, Duration.ofMillis(100));
            assertFalse(h.call(Hook.PRERESOLVE, DnsQuestionTest.dq()));
            assertEquals(1, events.timeouts.size());
        }

        @Test
        void lua51NamesExistAndDangerousOnesDoNot() {
            ScriptHooks h = load("""
                    function preresolve(dq)
                      local a, b = unpack({1, 2})
                      assert(a == 1 and b == 2)
                      assert(table.getn({1, 2, 3}) == 3)
                      assert(loadstring("return 7")() == 7)
                      assert(math.pow(2, 10) == 1024)
                      assert(os.exit == nil and os.execute == nil)
                      assert(type(os.time()) == "number")
                      return true
                    end
                    """, null);
            assertTrue(h.call(Hook.PRERESOLVE, DnsQuestionTest.dq()), events.errors.toString());
        }

        @Test
        void followupNameMustBeADnsName() {
            ScriptHooks h = load("""
                    function nodata(dq)
                      dq.followupName = "www.example.org"
                      return true
                    end
                    """, null);
            assertFalse(h.call(Hook.NODATA, DnsQuestionTest.dq()));
            assertTrue(events.errors.get(0).contains("followupName must be a DNSName"), events.errors.toString());
        }

        @Test
        void dataIsATableThatLivesAcrossHooks() {
            ScriptHooks h = load("""
                    function preresolve(dq) dq.data.n = 41 return false end
                    function postresolve(dq) dq.data.n = dq.data.n + 1 return dq.data.n == 42 end
                    """, null);
            DnsQuestion dq = DnsQuestionTest.dq();
            assertFalse(h.call(Hook.PRERESOLVE, dq));
            assertTrue(h.call(Hook.POSTRESOLVE, dq), events.errors.toString());
        }
    }

    @Nested
    class JavaScript extends Contract {
        @Override
        Scripts.Language language() {
            return Scripts.Language.JAVASCRIPT;
        }

        @Override
        String file() {
            return "test.js";
        }

        @Test
        void theScriptCannotReachJavaClasses() {
            ScriptHooks h = load(null, """
                    function preresolve(dq) {
                      return typeof Java === "undefined" && dq.getClass === undefined;
                    }
                    """);
            assertTrue(h.call(Hook.PRERESOLVE, DnsQuestionTest.dq()), events.errors.toString());
        }

        /**
         * A string is not a DNSName: the assignment does not take (sloppy-mode JavaScript ignores a failed host field
         * write, as PowerDNS ignores writes to qname), so the resolver finds no followupName and rejects the
         * follow-up as an error of that hook. In strict-mode code ("use strict") the write itself throws.
         */
        @Test
        void followupNameMustBeADnsName() {
            ScriptHooks h = load(null, """
                    function nodata(dq) {
                      dq.followupName = "www.example.org";
                      return true;
                    }
                    function nxdomain(dq) {
                      "use strict";
                      dq.followupName = "www.example.org";
                      return true;
                    }
                    """);
            DnsQuestion dq = DnsQuestionTest.dq();
            h.call(Hook.NODATA, dq);
            assertNull(dq.followupName);
            assertFalse(h.call(Hook.NXDOMAIN, dq));
            assertEquals(1, events.errors.size(), events.errors.toString());
        }
    }
}
